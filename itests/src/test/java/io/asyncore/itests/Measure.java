package io.asyncore.itests;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What a framework process holds at one moment: live threads (ThreadMXBean), the loop's
 * thread, threads whose name starts with the loop's name (the loop's helpers, such as a
 * watchdog), and open file descriptors (/proc/self/fd).
 *
 * @param threads live threads in the JVM
 * @param loopThreads threads named exactly as the loop
 * @param loopFamily threads whose name starts with the loop's name
 * @param fds open file descriptors of the process
 */
record Measure(int threads, int loopThreads, int loopFamily, long fds) {

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
        long fds;
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            fds = entries.count();
        }
        return new Measure(ManagementFactory.getThreadMXBean().getThreadCount(), loopThreads, loopFamily, fds);
    }
}
