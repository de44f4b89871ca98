package io.asyncore.file;

import io.asyncore.file.internal.FdPoller;
import io.asyncore.file.internal.Posix;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Per test class: the process has no more open descriptors after the class than before
 * it (counted in {@code /proc/self/fd}), and the poller thread is gone. After each test
 * the default map is emptied.
 */
public final class FdLeakCheck implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(FdLeakCheck.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        warmUp();
        context.getStore(NS).put("fds", openFds());
        context.getStore(NS).put("list", describeFds());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Asyncore.closeAll(null, true);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        long before = context.getStore(NS).get("fds", Long.class);
        awaitPollerGone();
        long after = openFds();
        assertTrue(after <= before, "descriptors leaked by " + context.getDisplayName() + ": " + before
                + " open before, " + after + " after; before: " + context.getStore(NS).get("list") + " after: " + describeFds());
    }

    /** Loads what opens descriptors once per JVM (the engine's jar, a selector), so it is not counted. */
    static void warmUp() throws IOException {
        ChannelMap map = new ChannelMap("warm-up");
        io.asyncore.spi.LoopDriver.open(map);
        io.asyncore.spi.LoopDriver.release(map);
        Posix.close(Posix.eventfd(0, 0));
        // closing a channel registered with a selector makes the JDK open its one "pre-close" socket
        try (java.nio.channels.Selector selector = java.nio.channels.Selector.open();
                java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open()) {
            channel.configureBlocking(false);
            channel.register(selector, java.nio.channels.SelectionKey.OP_READ);
            channel.close();
            selector.selectNow();
        }
        // @TempDir names come from SecureRandom, which keeps /dev/random and /dev/urandom open
        Files.delete(Files.createTempDirectory("warm-up"));
    }

    /**
     * The open descriptors of this process.
     *
     * @return how many entries {@code /proc/self/fd} has
     */
    static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count() - 1; // the directory stream's own descriptor
        }
    }

    /**
     * What each open descriptor points to, for leak reports.
     *
     * @return "fd->target" entries
     */
    static String describeFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(p -> {
                try {
                    return p.getFileName() + "->" + Files.readSymbolicLink(p);
                } catch (IOException e) {
                    return p.getFileName() + "->?";
                }
            }).sorted().toList().toString();
        }
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
