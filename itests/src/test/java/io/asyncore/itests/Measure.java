package io.asyncore.itests;

import io.asyncore.testkit.Descriptors;
import java.lang.management.ManagementFactory;

/**
 * What a framework process holds at one moment: live threads (ThreadMXBean), the loop's
 * thread, threads whose name starts with the loop's name (the loop's helpers, such as a
 * watchdog), and open file descriptors ({@link Descriptors}): all of them, sockets, and
 * epoll instances (one per selector). The restart-cycle tests compare two of these taken
 * around many cycles; the framework's own descriptors (bundle jars, its cache) count too,
 * since a cycle must not add any.
 *
 * @param threads live threads in the JVM
 * @param loopThreads threads named exactly as the loop
 * @param loopFamily threads whose name starts with the loop's name
 * @param fds open file descriptors of the process
 * @param sockets descriptors that are sockets
 * @param epolls descriptors that are epoll instances
 */
record Measure(int threads, int loopThreads, int loopFamily, long fds, long sockets, long epolls) {

    static Measure take(String loopName) {
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
        return new Measure(ManagementFactory.getThreadMXBean().getThreadCount(), loopThreads, loopFamily,
                Descriptors.list(target -> true).size(), Descriptors.socketCount(),
                Descriptors.list(target -> target.equals("anon_inode:[eventpoll]")).size());
    }
}
