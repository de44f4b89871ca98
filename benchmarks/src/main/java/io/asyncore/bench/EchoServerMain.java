package io.asyncore.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * Runs one echo server in this JVM, driven over standard input by {@link EchoBenchmark}
 * (which starts it as a child process so that CPU and heap are the server's alone).
 *
 * <p>Usage: {@code EchoServerMain jdk|netty|send|zc|zc-reuseport [loops]}. Prints {@code PORT <n>},
 * then answers one line per command: {@code CONNS} ({@code CONNS <open connections>}),
 * {@code HEAP} ({@code HEAP <bytes used after GC> <connections>}), {@code CPU}
 * ({@code CPU <process CPU nanoseconds>}); {@code QUIT} or end of input stops it.
 */
public final class EchoServerMain {

    private EchoServerMain() {}

    /**
     * Starts a server of the named kind.
     *
     * @param kind jdk, netty, send, zc or zc-reuseport (a listener per loop)
     * @param loops loops for our servers
     * @return the running server
     * @throws Exception if it cannot start
     */
    public static EchoServer start(String kind, int loops) throws Exception {
        return switch (kind) {
            case "jdk" -> new JdkEchoServer();
            case "netty" -> new NettyEchoServer();
            case "send" -> new AsyncoreEchoServer(AsyncoreEchoServer.Style.SEND, loops);
            case "zc" -> new AsyncoreEchoServer(AsyncoreEchoServer.Style.ZERO_COPY, loops);
            case "zc-reuseport" -> new AsyncoreEchoServer(AsyncoreEchoServer.Style.ZERO_COPY, loops, true);
            default -> throw new IllegalArgumentException("unknown server kind " + kind + " (jdk, netty, send, zc, zc-reuseport)");
        };
    }

    /**
     * Entry point.
     *
     * @param args kind and optional loop count
     * @throws Exception if the server fails to start
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: EchoServerMain jdk|netty|send|zc|zc-reuseport [loops]");
            System.exit(2);
        }
        int loops = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        try (EchoServer server = start(args[0], loops)) {
            System.out.println("PORT " + server.port());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                switch (line.trim()) {
                    case "CONNS" -> System.out.println("CONNS " + server.connections());
                    case "HEAP" -> System.out.println("HEAP " + heapAfterGc() + " " + server.connections());
                    case "CPU" -> System.out.println("CPU " + cpuNanos());
                    case "QUIT" -> {
                        return;
                    }
                    default -> System.out.println("ERROR unknown command " + line);
                }
                System.out.flush();
            }
        } finally {
            System.out.flush();
        }
    }

    static long heapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    static long cpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }
}
