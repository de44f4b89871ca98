package io.asyncore.file;

import io.asyncore.file.internal.FdPoller;
import io.asyncore.file.internal.Posix;
import io.asyncore.EventLoop;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Idle cost: 100 file dispatchers over idle pipes in one {@link EventLoop} for 5 seconds;
 * prints the CPU time of the loop thread and the poller thread as a percentage of one
 * core (target: under 1%).
 *
 * <p>Run: {@code ./mvnw -q -o -pl io.asyncore.file exec:exec@idle} (after {@code install}), or
 * {@code java --enable-native-access=ALL-UNNAMED -cp <test class path> io.asyncore.file.IdleCpuBenchmark}.
 */
public final class IdleCpuBenchmark {

    private IdleCpuBenchmark() {}

    /**
     * Runs the measurement.
     *
     * @param args optional: dispatcher count, seconds
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<int[]> pipes = new ArrayList<>();
        try (EventLoop loop = EventLoop.start("idle-loop")) {
            for (int i = 0; i < count; i++) {
                int[] p = Posix.pipe(0);
                pipes.add(p);
                new Pumps.Reader(p[0], loop.map(), 1024).addChannel(); // made off the loop thread
            }
            Thread.sleep(500); // let every dispatcher register
            Thread loopThread = find("idle-loop");
            Thread poller = FdPoller.runningThread();
            long loopStart = mx.getThreadCpuTime(loopThread.threadId());
            long pollerStart = mx.getThreadCpuTime(poller.threadId());
            long wallStart = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long wall = System.nanoTime() - wallStart;
            long loopCpu = mx.getThreadCpuTime(loopThread.threadId()) - loopStart;
            long pollerCpu = mx.getThreadCpuTime(poller.threadId()) - pollerStart;
            System.out.printf("idle: %d file dispatchers for %.1f s; loop thread %.3f ms CPU (%.4f%% of a core), "
                    + "poller thread %.3f ms CPU (%.4f%%), together %.4f%% of a core; poller threads alive: %d%n",
                    count, wall / 1e9, loopCpu / 1e6, 100.0 * loopCpu / wall, pollerCpu / 1e6,
                    100.0 * pollerCpu / wall, 100.0 * (loopCpu + pollerCpu) / wall, FdLeakCheck.pollerThreads());
        } finally {
            for (int[] p : pipes) {
                Posix.close(p[0]);
                Posix.close(p[1]);
            }
        }
        FdLeakCheck.awaitPollerGone();
        System.out.println("after close: poller threads alive: " + FdLeakCheck.pollerThreads());
    }

    private static Thread find(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no thread " + name));
    }
}
