package io.asyncore.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's jlink recipe, as written there: an image of {@code io.asyncore.examples}
 * and {@code io.asyncore.impl} (named in {@code --add-modules}, since nothing requires
 * it) whose {@code echo-server} launcher serves echo.
 */
class JlinkIT {

    @TempDir
    Path dir;

    @Test
    void imageOfTheExamplesAndTheEngineServesEcho() throws Exception {
        Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
        assumeTrue(Files.isExecutable(jlink), "no jlink in " + System.getProperty("java.home"));
        Path image = dir.resolve("echo-image");
        try (ChildJvm link = ChildJvm.run(List.of(jlink.toString(), "--module-path", ModulePathIT.modulePath(),
                "--add-modules", "io.asyncore.examples,io.asyncore.impl",
                "--launcher", "echo-server=io.asyncore.examples/io.asyncore.examples.EchoServer",
                "--strip-debug", "--no-header-files", "--no-man-pages", "--output", image.toString()))) {
            assertEquals(0, link.awaitExit(180), link.output());
        }
        Path launcher = image.resolve("bin").resolve("echo-server");
        try (ChildJvm server = ChildJvm.run(List.of(launcher.toString(), "127.0.0.1", "0"))) {
            String listening = server.awaitLine(l -> l.startsWith("Echo server listening on "), 60);
            int port = Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1).trim());
            byte[] payload = new byte[64 * 1024];
            new Random(25).nextBytes(payload);
            assertArrayEquals(payload, EchoServerTest.exchange(new InetSocketAddress("127.0.0.1", port), payload),
                    server.output());
        }
    }
}
