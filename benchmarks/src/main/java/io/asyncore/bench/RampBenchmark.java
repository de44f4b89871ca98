package io.asyncore.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Many connections that all echo at once, opened at once: how long the ramp takes, how
 * many connects fail, and the messages/s and p99 once everything runs. Each server runs
 * in its own child JVM ({@link EchoServerMain}), one after the other in the same run:
 * the plain JDK server, Netty on one thread and our zero-copy server on one loop (server
 * pinned to CPU 0, load to CPU 1 where {@code taskset} and 2 CPUs exist), then our
 * server on 2 loops both ways (one listener handing connections out, and a listener per
 * loop with {@code SO_REUSEPORT}; unpinned).
 *
 * <p>Options: {@code --connections N} (10,000), {@code --size B} (64),
 * {@code --warmup S} (2), {@code --measure S} (5), {@code --ramp-timeout S} (120),
 * {@code --servers a,b} (jdk,netty,zc,zc-2loops,zc-2loops-reuseport), {@code --out DIR}
 * (writes {@code ramp.md}), {@code --no-pin}. Needs about 2 descriptors per connection
 * in each process ({@code ulimit -n}); the kernel caps every listen backlog at
 * {@code net.core.somaxconn}.
 */
public final class RampBenchmark {

    /** One server's results. */
    record Row(String server, double rampMillis, int failures, double messagesPerSecond, double p99Micros) {}

    private int connections = 10_000;
    private int size = 64;
    private double warmupSeconds = 2;
    private double measureSeconds = 5;
    private double rampTimeoutSeconds = 120;
    private boolean pin = true;
    private Path out = Path.of("results");
    private List<String> servers = List.of("jdk", "netty", "zc", "zc-2loops", "zc-2loops-reuseport");

    private RampBenchmark(String[] args) {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--warmup" -> warmupSeconds = Double.parseDouble(args[++i]);
                case "--measure" -> measureSeconds = Double.parseDouble(args[++i]);
                case "--ramp-timeout" -> rampTimeoutSeconds = Double.parseDouble(args[++i]);
                case "--servers" -> servers = List.of(args[++i].split(","));
                case "--out" -> out = Path.of(args[++i]);
                case "--no-pin" -> pin = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        pin &= Files.isExecutable(Path.of("/usr/bin/taskset")) && EchoBenchmark.cpus() >= 2;
    }

    /**
     * Runs the benchmark.
     *
     * @param args options, see the class javadoc
     * @throws Exception if a server fails
     */
    public static void main(String[] args) throws Exception {
        new RampBenchmark(args).runAll();
    }

    private void runAll() throws Exception {
        System.out.printf(Locale.ROOT, "ramp benchmark: %,d connections of %d B opened at once, %.1f s warm-up,"
                + " %.1f s measured, pinned: %s%n", connections, size, warmupSeconds, measureSeconds, pin);
        List<Row> rows = new ArrayList<>();
        for (String server : servers) {
            Row row = runOne(server);
            rows.add(row);
            System.out.printf(Locale.ROOT, "  %-20s ramp %,9.0f ms  failed %,6d  %,10.0f msg/s  p99 %,9.1f us%n",
                    row.server(), row.rampMillis(), row.failures(), row.messagesPerSecond(), row.p99Micros());
        }
        String markdown = markdown(rows);
        System.out.println();
        System.out.println(markdown);
        Files.createDirectories(out);
        Files.writeString(out.resolve("ramp.md"), markdown);
    }

    private Row runOne(String server) throws Exception {
        boolean twoLoops = server.startsWith("zc-2loops");
        boolean pinned = pin && !twoLoops;
        EchoBenchmark.setOwnAffinity(pinned ? "1" : "0-" + (EchoBenchmark.cpus() - 1));
        String kind = server.equals("zc-2loops-reuseport") ? "zc-reuseport" : twoLoops ? "zc" : server;
        List<String> command = new ArrayList<>();
        if (pinned) {
            command.addAll(List.of("taskset", "-c", "0"));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms512m", "-Xmx512m", "-XX:+UseSerialGC", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), EchoServerMain.class.getName(), kind, twoLoops ? "2" : "1"));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (EchoBenchmark.Child child = new EchoBenchmark.Child(process)) {
            int port = Integer.parseInt(child.expect("PORT"));
            EchoLoad.Config config = new EchoLoad.Config(new InetSocketAddress("127.0.0.1", port), connections, 0, 1, size);
            try (EchoLoad load = EchoLoad.ramp(config, (long) (rampTimeoutSeconds * 1e9))) {
                EchoLoad.Result result = load.run((long) (warmupSeconds * 1e9), (long) (measureSeconds * 1e9), null, null);
                Histogram h = result.latencyNanos();
                return new Row(server, load.rampNanos() / 1e6, load.connectFailures(), result.messagesPerSecond(),
                        h.getValueAtPercentile(99) / 1e3);
            }
        }
    }

    private String markdown(List<Row> rows) throws IOException {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%,d connections opened at once, each echoing %d B messages from the moment"
                + " it connects; ulimit -n %s, net.core.somaxconn %s%n%n", connections, size, limit(),
                sysctl("net/core/somaxconn")));
        s.append("| server | ramp ms | connects failed | msg/s | p99 µs |\n|---|--:|--:|--:|--:|\n");
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "| %s | %,.0f | %,d | %,.0f | %,.1f |%n", r.server(), r.rampMillis(),
                    r.failures(), r.messagesPerSecond(), r.p99Micros()));
        }
        return s.toString();
    }

    private static String sysctl(String key) {
        try {
            // a line reader: Files.readString trusts the size procfs reports and read "4" of "4096"
            return Files.readAllLines(Path.of("/proc/sys", key)).get(0).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static String limit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                return line.substring("Max open files".length()).trim().split("\\s+")[0];
            }
        }
        return "?";
    }
}
