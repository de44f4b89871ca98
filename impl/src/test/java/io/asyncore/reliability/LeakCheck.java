package io.asyncore.reliability;

import static org.junit.jupiter.api.Assertions.fail;

import io.asyncore.Asyncore;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The reliability suite's leak check, registered on every class of this package with
 * {@code @ExtendWith(LeakCheck.class)}: counts the open descriptors (sockets, pipes, epoll
 * and eventfd entries of {@code /proc/self/fd}; jar files opened by class loading are not
 * counted) and the live threads before and after the class. Growth fails the class,
 * naming what was left. Also empties the default map, which every class must leave empty.
 */
public final class LeakCheck implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LeakCheck.class);

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        warmUp();
        context.getStore(NS).put("fds", descriptors());
        context.getStore(NS).put("threads", threadNames());
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        Asyncore.closeAll(null, true);
        @SuppressWarnings("unchecked")
        List<String> fdsBefore = context.getStore(NS).get("fds", List.class);
        @SuppressWarnings("unchecked")
        Set<String> threadsBefore = context.getStore(NS).get("threads", Set.class);
        List<String> extraFds = List.of();
        Set<String> extraThreads = Set.of();
        // Closed channels release their descriptor when the last selector lets go, and
        // ended threads need a moment to leave: settle for at most 5 s.
        for (int attempt = 0; attempt < 100; attempt++) {
            extraFds = new ArrayList<>(descriptors());
            fdsBefore.forEach(extraFds::remove);
            extraThreads = threadNames();
            extraThreads.removeAll(threadsBefore);
            if (extraFds.isEmpty() && extraThreads.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        }
        StringBuilder why = new StringBuilder(context.getDisplayName()).append(" leaked");
        if (!extraFds.isEmpty()) {
            why.append(' ').append(extraFds.size()).append(" descriptors ").append(
                    extraFds.subList(0, Math.min(20, extraFds.size())));
        }
        if (!extraThreads.isEmpty()) {
            why.append(" threads ").append(extraThreads);
        }
        fail(why.toString());
    }

    /** The JDK keeps a socket for good once NIO is used (the dup2 target); make it exist. */
    private static void warmUp() throws IOException {
        try (Selector selector = Selector.open();
                SocketChannel stream = SocketChannel.open();
                ServerSocketChannel server = ServerSocketChannel.open();
                SocketChannel unix = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            stream.configureBlocking(false);
            stream.register(selector, SelectionKey.OP_READ);
            selector.selectNow();
        }
    }

    /** The kinds of open descriptors ({@code socket:}, {@code pipe:}, {@code anon_inode:}), one per fd. */
    static List<String> descriptors() {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:") || target.startsWith("pipe:") || target.startsWith("anon_inode:")) {
                        out.add(target.replaceAll("\\[\\d+\\]", ""));
                    }
                } catch (IOException gone) {
                    // closed while listing
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
        return out;
    }

    /**
     * The open socket descriptors as "number=socket:[inode]"; for tests that watch one fd
     * (the directory listing's own descriptor is not a socket, so it never shows up).
     */
    static Set<String> socketFds() {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:")) {
                        out.add(fd.getFileName() + "=" + target);
                    }
                } catch (IOException gone) {
                    // closed while listing
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
        return out;
    }

    private static Set<String> threadNames() {
        Set<String> names = new TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && !t.getName().startsWith("junit-") && !t.getName().startsWith("ForkJoinPool")
                    && !t.getName().equals("process reaper")) { // the JDK keeps it for a while after a child ends
                names.add(t.getName() + "#" + t.getId());
            }
        }
        return names;
    }
}
