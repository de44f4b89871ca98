package io.asyncore.itests;

import io.asyncore.itests.echo.EchoActivator;
import io.asyncore.itests.echo.EchoHandler;
import io.asyncore.itests.echo.EchoServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Builds the test bundle {@code io.asyncore.itests.echo} from the compiled classes of
 * package {@code io.asyncore.itests.echo}, inside the framework (the probe carries the
 * class files), so Felix and Karaf install the same bytes without a build step.
 */
final class EchoBundle {

    static final String SYMBOLIC_NAME = "io.asyncore.itests.echo";

    private static final Class<?>[] CLASSES = {EchoActivator.class, EchoServer.class, EchoHandler.class};

    private EchoBundle() {}

    /** The bundle's jar. */
    static InputStream jar() throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", SYMBOLIC_NAME);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Bundle-Activator", EchoActivator.class.getName());
        main.putValue("Import-Package", "io.asyncore;version=\"[3.0,4)\",org.osgi.framework;version=\"[1.8,2)\"");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            for (Class<?> c : CLASSES) {
                String name = c.getName().replace('.', '/') + ".class";
                try (InputStream in = EchoBundle.class.getClassLoader().getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IOException("class file " + name + " is not in the probe");
                    }
                    out.putNextEntry(new JarEntry(name));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }
}
