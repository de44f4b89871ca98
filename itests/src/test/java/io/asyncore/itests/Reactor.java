package io.asyncore.itests;

import java.io.File;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;

/**
 * Where the build put the reactor's artifacts (in Maven repository layout, see the pom's
 * {@code reactor-repo} execution). Used on the driver side, in {@code @Configuration}.
 */
final class Reactor {

    private Reactor() {}

    static String version() {
        return property("asyncore.version");
    }

    static File repository() {
        return new File(property("asyncore.reactor.repo"));
    }

    /** A {@code file:} URL of one reactor artifact, checked to exist. */
    static String url(String artifactId, String classifier, String extension) {
        String v = version();
        File f = new File(repository(), "io/asyncore/" + artifactId + "/" + v + "/" + artifactId + "-" + v
                + (classifier == null ? "" : "-" + classifier) + "." + extension);
        if (!f.isFile()) {
            throw new IllegalStateException(f + " is missing: run the itests through Maven"
                    + " (./mvnw verify), whose pre-integration-test phase copies the reactor artifacts there");
        }
        return f.toURI().toString();
    }

    static String bundle(String artifactId) {
        return url(artifactId, null, "jar");
    }

    /**
     * The test kit bundle {@code io.asyncore.testkit}, for the tests that use its helpers
     * inside the framework (the probe imports its package like any other).
     */
    static Option testKit() {
        return CoreOptions.bundle(bundle("io.asyncore.testkit"));
    }

    static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set: run the itests through"
                    + " Maven (./mvnw verify), whose failsafe configuration sets it");
        }
        return value;
    }
}
