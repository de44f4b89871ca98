package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.fail;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Checks that a test class cleans up after itself: after each test the default
 * {@link ChannelMap} is empty, and after the class no socket, pipe, epoll or eventfd
 * descriptor is open that was not open before it (counted in {@code /proc/self/fd};
 * descriptors of jar files the class loader opened on the way are not counted), and no
 * non-daemon thread the class started (an event loop, say) is still running.
 */
public final class NoLeaks implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoLeaks.class);

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        warmUp();
        context.getStore(NS).put("fds", ioDescriptors());
        context.getStore(NS).put("threads", liveThreads());
    }

    /** The live non-daemon threads. */
    static Set<Thread> liveThreads() {
        Set<Thread> out = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && !t.isDaemon()) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * The JDK keeps one socket open for good once NIO is first used (the target that
     * {@code dup2} closes descriptors against); make sure it exists before counting.
     */
    private static void warmUp() throws IOException {
        try (Selector selector = Selector.open();
                SocketChannel stream = SocketChannel.open();
                ServerSocketChannel server = ServerSocketChannel.open();
                DatagramChannel datagram = DatagramChannel.open();
                SocketChannel unix = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            stream.configureBlocking(false);
            stream.register(selector, SelectionKey.OP_READ);
            selector.selectNow();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        ChannelMap map = ChannelMap.defaultMap();
        List<Dispatcher> left = map.dispatchers();
        if (!left.isEmpty()) {
            Asyncore.closeAll(null, true);
            fail("test left " + left.size() + " dispatchers in the default map: " + left);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        @SuppressWarnings("unchecked")
        Set<Thread> threadsBefore = (Set<Thread>) context.getStore(NS).get("threads", Set.class);
        Set<Thread> newThreads = new HashSet<>();
        for (int attempt = 0; attempt < 50; attempt++) {
            newThreads = liveThreads();
            newThreads.removeAll(threadsBefore);
            if (newThreads.isEmpty()) {
                break;
            }
            Thread.sleep(20);
        }
        if (!newThreads.isEmpty()) {
            fail("threads started and still running after " + context.getDisplayName() + ": " + newThreads);
        }
        @SuppressWarnings("unchecked")
        List<String> before = (List<String>) context.getStore(NS).get("fds", List.class);
        List<String> extra = null;
        // A closed channel's descriptor is released when its last selector lets go of it;
        // every selector is closed by now, so allow only a short, bounded settling time.
        for (int attempt = 0; attempt < 50; attempt++) {
            extra = new ArrayList<>(ioDescriptors());
            for (String fd : before) {
                extra.remove(fd);
            }
            if (extra.isEmpty()) {
                return;
            }
            Thread.sleep(20);
        }
        fail("descriptors opened and not closed by " + context.getDisplayName() + ": " + extra);
    }

    /** The process's socket, pipe and anonymous-inode (epoll, eventfd) descriptors. */
    static List<String> ioDescriptors() {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed while listing (the listing's own descriptor, say)
                }
                if (target.startsWith("socket:") || target.startsWith("pipe:") || target.startsWith("anon_inode:")) {
                    out.add(fd.getFileName() + "->" + target);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
        return out;
    }
}
