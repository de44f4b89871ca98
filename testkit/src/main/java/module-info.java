/**
 * What the tests of every module share: {@link io.asyncore.testkit.LogCapture} for the
 * log lines a test provokes on purpose, the {@link io.asyncore.testkit.NoLeaks} check of
 * descriptors, threads and the default map, {@link io.asyncore.testkit.Await} for bounded
 * waiting, and {@link io.asyncore.testkit.Echo} peers on loopback.
 */
module io.asyncore.testkit {
    requires static org.osgi.annotation.versioning;
    requires static org.osgi.annotation.bundle;
    requires transitive io.asyncore.api;
    requires transitive java.logging;
    requires transitive org.junit.jupiter.api;

    exports io.asyncore.testkit;
}
