package io.asyncore.testkit;

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
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The open file descriptors of this process, read from {@code /proc/self/fd} (Linux):
 * what the leak check and the tests that watch single sockets count.
 */
public final class Descriptors {

    private static final Path FDS = Path.of("/proc/self/fd");

    private Descriptors() {}

    /**
     * Whether a descriptor's target is a socket, a pipe or an anonymous inode (epoll,
     * eventfd): what the engine opens, as opposed to the jar files class loading opens.
     *
     * @param target what the descriptor's link in {@code /proc/self/fd} points to
     * @return true for {@code socket:}, {@code pipe:} and {@code anon_inode:} targets
     */
    public static boolean isIo(String target) {
        return target.startsWith("socket:") || target.startsWith("pipe:") || target.startsWith("anon_inode:");
    }

    /**
     * The open descriptors whose target {@code counted} accepts, as {@code "fd->target"}.
     * The listing's own descriptor, closed by the time it is read, is left out.
     *
     * @param counted which targets to list
     * @return one entry per descriptor, in the order the kernel lists them
     */
    public static List<String> list(Predicate<String> counted) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(FDS)) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedWhileListing) {
                    continue;
                }
                if (counted.test(target)) {
                    out.add(fd.getFileName() + "->" + target);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + FDS, e);
        }
        return out;
    }

    /**
     * The open socket, pipe and anonymous-inode descriptors, as {@code "fd->target"}.
     *
     * @return one entry per descriptor
     */
    public static List<String> io() {
        return list(Descriptors::isIo);
    }

    /**
     * The open socket descriptors as {@code "fd=socket:[inode]"}, sorted: for tests that
     * watch one socket come and go.
     *
     * @return the socket descriptors
     */
    public static Set<String> sockets() {
        Set<String> out = new TreeSet<>();
        for (String entry : list(target -> target.startsWith("socket:"))) {
            out.add(entry.replace("->", "="));
        }
        return out;
    }

    /**
     * How many socket descriptors are open.
     *
     * @return the count
     */
    public static long socketCount() {
        return list(target -> target.startsWith("socket:")).size();
    }

    /**
     * The kind of descriptor an {@code "fd->target"} entry names: the target without its
     * descriptor number and inode, so entries compare by kind ({@code socket:},
     * {@code anon_inode:[eventpoll]}, a file's path).
     *
     * @param entry an entry of {@link #list}
     * @return the kind
     */
    public static String kind(String entry) {
        String target = entry.substring(entry.indexOf("->") + 2);
        return target.replaceAll("\\[\\d+\\]", "");
    }

    /**
     * Opens and closes what the JDK keeps for good once NIO is first used (a socket that
     * {@code dup2} closes descriptors against, created when a registered channel closes),
     * so counts taken afterwards do not include it.
     *
     * @throws IOException if a channel cannot be opened
     */
    public static void warmUp() throws IOException {
        try (Selector selector = Selector.open();
                SocketChannel stream = SocketChannel.open();
                ServerSocketChannel server = ServerSocketChannel.open();
                DatagramChannel datagram = DatagramChannel.open();
                SocketChannel unix = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            stream.configureBlocking(false);
            stream.register(selector, SelectionKey.OP_READ);
            stream.close();
            selector.selectNow();
        }
    }
}
