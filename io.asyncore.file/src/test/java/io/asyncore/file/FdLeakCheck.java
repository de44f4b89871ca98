package io.asyncore.file;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.ChannelMap;
import io.asyncore.file.internal.FdPoller;
import io.asyncore.file.internal.Posix;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The test kit's leak check, widened to every descriptor of the process (this module opens
 * pipes, terminals and files as well as sockets), and the poller thread must be gone
 * after each test class.
 */
public final class FdLeakCheck extends NoLeaks {

    @Override
    protected boolean counts(String target) {
        return true;
    }

    /** Also loads what opens descriptors once per JVM here (the engine's jar, eventfd, SecureRandom). */
    @Override
    protected void warmUp() throws IOException {
        super.warmUp();
        ChannelMap map = new ChannelMap("warm-up");
        io.asyncore.spi.LoopDriver.open(map);
        io.asyncore.spi.LoopDriver.release(map);
        Posix.close(Posix.eventfd(0, 0));
        // @TempDir names come from SecureRandom, which keeps /dev/random and /dev/urandom open
        Files.delete(Files.createTempDirectory("warm-up"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        awaitPollerGone();
        super.afterAll(context);
    }

    /** Waits (bounded) for the poller thread to end, and fails if it does not. */
    static void awaitPollerGone() throws InterruptedException {
        Thread t = FdPoller.runningThread();
        assertNull(t, "a descriptor is still registered with the poller");
        for (Thread other : Thread.getAllStackTraces().keySet()) {
            if (other.getName().equals(FdPoller.THREAD_NAME)) {
                other.join(5_000);
                assertTrue(!other.isAlive(), FdPoller.THREAD_NAME + " still runs");
            }
        }
    }

    /**
     * How many poller threads are alive.
     *
     * @return the count
     */
    static long pollerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(FdPoller.THREAD_NAME) && t.isAlive()).count();
    }
}
