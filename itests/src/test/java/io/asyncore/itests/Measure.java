package io.asyncore.itests;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What a framework process holds at one moment: live threads (ThreadMXBean), the loop's
 * thread, threads whose name starts with the loop's name (the loop's helpers, such as a
 * watchdog), and open file descriptors (/proc/self/fd): all of them, sockets, and epoll
 * instances (one per selector).
 *
 * @param threads live threads in the JVM
 * @param loopThreads threads named exactly as the loop
 * @param loopFamily threads whose name starts with the loop's name
 * @param fds open file descriptors of the process
 * @param sockets descriptors that are sockets
 * @param epolls descriptors that are epoll instances
 */
record Measure(int threads, int loopThreads, int loopFamily, long fds, long sockets, long epolls) {

    static Measure take(String loopName) throws IOException {
        int loopThreads = 0;
        int loopFamily = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(loopName)) {
                loopFamily++;
                if (t.getName().equals(loopName)) {
                    loopThreads++;
                }
            }
        }
        long fds = 0;
        long sockets = 0;
        long epolls = 0;
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) entries::iterator) {
                fds++;
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    continue; // the listing's own descriptor
                }
                if (target.startsWith("socket:")) {
                    sockets++;
                } else if (target.equals("anon_inode:[eventpoll]")) {
                    epolls++;
                }
            }
        }
        return new Measure(ManagementFactory.getThreadMXBean().getThreadCount(), loopThreads, loopFamily, fds,
                sockets, epolls);
    }
}
