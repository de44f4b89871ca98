package io.asyncore.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * Many connections that all echo at once, opened at once: how long the ramp takes, how
 * many connects fail, how many SYNs the kernel dropped, and the messages/s and p99 once everything
 * runs. Each server runs in its own child JVM ({@link EchoServerMain}) with the same JVM
 * options: the plain JDK server, Netty on one thread and our zero-copy server on one loop
 * (server pinned to CPU 0, load to CPU 1 where {@code taskset} and 2 CPUs exist), then our
 * server on 2 loops both ways (one listener handing connections out, and a listener per
 * loop with {@code SO_REUSEPORT}; unpinned).
 *
 * <p>The protocol, the same for every server: start the server JVM; warm it up with a
 * ramp of {@code --warmup-connections} connections opened at once (fewer than the backlog,
 * so none waits for a SYN retry) that echo for {@code --warmup} seconds, then close them
 * and wait until the server has closed them too; then the measured ramp of
 * {@code --connections}, 1 s of echo to settle, and {@code --measure} seconds of echo
 * measured; stop the server. So neither a cold server JVM (its JIT compiling on the CPU
 * its loop needs) nor a cold load generator decides the figures. Every round runs every
 * server once, in an order that rotates by one each round, so no server always follows
 * the same one; the table shows medians over the rounds, and every round is listed.
 *
 * <p>Options: {@code --connections N} (10,000), {@code --warmup-connections N} (2,000; 0
 * measures a cold server), {@code --size B} (64), {@code --warmup S} (2),
 * {@code --measure S} (5), {@code --rounds N} (3), {@code --ramp-timeout S} (120),
 * {@code --servers a,b} (jdk,netty,zc,zc-2loops,zc-2loops-reuseport), {@code --out DIR}
 * (writes {@code ramp.md}), {@code --no-pin}, {@code --server-opts "JVM options"} (those
 * of {@link EchoBenchmark}). Needs about 2 descriptors per connection in each process
 * ({@code ulimit -n}); the kernel caps every listen backlog at {@code net.core.somaxconn}.
 */
public final class RampBenchmark {

    /** Seconds of echo between the measured ramp and the measurement. */
    private static final double SETTLE_SECONDS = 1;

    /**
     * One server's measured ramp in one round.
     *
     * @param server the server kind
     * @param round the round, from 0
     * @param rampMillis from the moment every connect was issued to the last one completed
     * @param failures connects refused, reset or timed out
     * @param overflows the kernel's listen-queue overflows during the ramp (dropped SYNs
     *     and handshakes, whose clients retry after 1 s); machine-wide, so other work's too
     * @param issueMillis how long the load took to issue every connect (before the ramp's clock)
     * @param messagesPerSecond echo throughput with every connection open
     * @param p99Micros echo latency p99
     */
    record Run(String server, int round, double rampMillis, int failures, long overflows, double issueMillis,
            double messagesPerSecond, double p99Micros) {}

    private int connections = 10_000;
    private int warmupConnections = 2_000;
    private int size = 64;
    private double warmupSeconds = 2;
    private double measureSeconds = 5;
    private double rampTimeoutSeconds = 120;
    private int rounds = 3;
    private boolean pin = true;
    private Path out = Path.of("results");
    private List<String> servers = List.of("jdk", "netty", "zc", "zc-2loops", "zc-2loops-reuseport");
    private List<String> serverOptions = EchoBenchmark.SERVER_OPTIONS;

    private RampBenchmark(String[] args) {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--warmup-connections" -> warmupConnections = Integer.parseInt(args[++i]);
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--warmup" -> warmupSeconds = Double.parseDouble(args[++i]);
                case "--measure" -> measureSeconds = Double.parseDouble(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--ramp-timeout" -> rampTimeoutSeconds = Double.parseDouble(args[++i]);
                case "--servers" -> servers = List.of(args[++i].split(","));
                case "--out" -> out = Path.of(args[++i]);
                case "--no-pin" -> pin = false;
                case "--server-opts" -> serverOptions = List.of(args[++i].trim().split("\\s+"));
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
        Instant started = Instant.now();
        String loadAtStart = loadAverage();
        System.out.printf(Locale.ROOT, "ramp benchmark: %,d connections of %d B opened at once after a warm-up ramp of"
                + " %,d, %.1f s warm-up, %.1f s measured, %d round(s), pinned: %s%n", connections, size,
                warmupConnections, warmupSeconds, measureSeconds, rounds, pin);
        List<Run> runs = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < servers.size(); k++) {
                String server = servers.get((k + round) % servers.size());
                Run run = runOne(server, round);
                runs.add(run);
                System.out.printf(Locale.ROOT, "  %-20s round %d: ramp %,7.0f ms  failed %,5d  overflows %,6d"
                        + "  issued in %,6.0f ms  %,9.0f msg/s  p99 %,9.1f us%n", server, round, run.rampMillis(),
                        run.failures(), run.overflows(), run.issueMillis(), run.messagesPerSecond(), run.p99Micros());
            }
        }
        String markdown = markdown(runs, started, loadAtStart);
        System.out.println();
        System.out.println(markdown);
        Files.createDirectories(out);
        Files.writeString(out.resolve("ramp.md"), markdown);
    }

    private Run runOne(String server, int round) throws Exception {
        boolean twoLoops = server.startsWith("zc-2loops");
        boolean pinned = pin && !twoLoops;
        EchoBenchmark.setOwnAffinity(pinned ? "1" : "0-" + (EchoBenchmark.cpus() - 1));
        String kind = server.equals("zc-2loops-reuseport") ? "zc-reuseport" : twoLoops ? "zc" : server;
        List<String> command = new ArrayList<>();
        if (pinned) {
            command.addAll(List.of("taskset", "-c", "0"));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(serverOptions);
        String logging = System.getProperty("java.util.logging.config.file");
        if (logging != null) {
            command.add("-Djava.util.logging.config.file=" + logging); // the server logs as this JVM does
        }
        command.addAll(List.of("--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                EchoServerMain.class.getName(), kind, twoLoops ? "2" : "1"));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (EchoBenchmark.Child child = new EchoBenchmark.Child(process)) {
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", Integer.parseInt(child.expect("PORT")));
            long rampTimeout = (long) (rampTimeoutSeconds * 1e9);
            if (warmupConnections > 0) {
                var warmup = new EchoLoad.Config(target, warmupConnections, 0, 1, size);
                try (EchoLoad load = EchoLoad.ramp(warmup, rampTimeout)) {
                    load.run((long) (warmupSeconds * 1e9), 0, null, null);
                }
                awaitClosed(child, server);
            }
            var config = new EchoLoad.Config(target, connections, 0, 1, size);
            long overflowsBefore = listenOverflows();
            try (EchoLoad load = EchoLoad.ramp(config, rampTimeout)) {
                long overflows = listenOverflows() - overflowsBefore;
                EchoLoad.Result result = load.run((long) (SETTLE_SECONDS * 1e9), (long) (measureSeconds * 1e9),
                        null, null);
                Histogram h = result.latencyNanos();
                return new Run(server, round, load.rampNanos() / 1e6, load.connectFailures(), overflows,
                        load.issueNanos() / 1e6, result.messagesPerSecond(), h.getValueAtPercentile(99) / 1e3);
            }
        }
    }

    /** Waits until the server has closed every warm-up connection (the load closed its ends). */
    private static void awaitClosed(EchoBenchmark.Child child, String server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Integer.parseInt(child.ask("CONNS")) > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(server + " still holds warm-up connections after 60 s");
            }
            Thread.sleep(20);
        }
    }

    private String markdown(List<Run> runs, Instant started, String loadAtStart) throws IOException {
        StringBuilder s = new StringBuilder("# Ramp benchmark\n\n");
        s.append(String.format(Locale.ROOT, "%s; %d CPUs; Java %s; %,d connections opened at once, each echoing %d B"
                + " messages from the moment it connects, after a warm-up ramp of %,d connections echoing for %.1f s;"
                + " %.1f s measured after %.0f s of echo; %d round(s), order rotating; server %s;"
                + " server JVM options %s; ulimit -n %s, net.core.somaxconn %s;"
                + " load average (1, 5, 15 min) at the start %s, at the end %s%n%n", started, EchoBenchmark.cpus(),
                System.getProperty("java.version"), connections, size, warmupConnections, warmupSeconds, measureSeconds,
                SETTLE_SECONDS, rounds, pin ? "pinned to CPU 0, load to CPU 1 (2-loop servers unpinned)" : "unpinned",
                String.join(" ", serverOptions), limit(), sysctl("net/core/somaxconn"), loadAtStart, loadAverage()));
        s.append("Medians over the rounds. Ramp: from the moment the load generator has issued every connect"
                + " (non-blocking) to the last one completed. Issued: how long issuing them took, before the ramp's"
                + " clock starts (the server accepts meanwhile). Failed: connects refused, reset or timed out (all"
                + " rounds). Overflows: the kernel's count of connections it dropped during the ramps because a listen"
                + " queue was full (TcpExt ListenOverflows, machine-wide; all rounds); their clients send the SYN"
                + " again after 1 s, so any overflow shows as a ramp over 1 s.\n\n");
        s.append("| server | ramp ms | failed | overflows | issued ms | msg/s | p99 µs |\n"
                + "|---|--:|--:|--:|--:|--:|--:|\n");
        for (String server : servers) {
            List<Run> mine = runs.stream().filter(r -> r.server().equals(server)).toList();
            s.append(String.format(Locale.ROOT, "| %s | %,.0f | %,d | %,d | %,.0f | %,.0f | %,.1f |%n", server,
                    median(mine, Run::rampMillis), mine.stream().mapToInt(Run::failures).sum(),
                    mine.stream().mapToLong(Run::overflows).sum(), median(mine, Run::issueMillis),
                    median(mine, Run::messagesPerSecond), median(mine, Run::p99Micros)));
        }
        s.append("\nEvery round, in the order run:\n\n| round | server | ramp ms | failed | overflows | issued ms"
                + " | msg/s | p99 µs |\n|--:|---|--:|--:|--:|--:|--:|--:|\n");
        for (Run r : runs) {
            s.append(String.format(Locale.ROOT, "| %d | %s | %,.0f | %,d | %,d | %,.0f | %,.0f | %,.1f |%n", r.round(),
                    r.server(), r.rampMillis(), r.failures(), r.overflows(), r.issueMillis(), r.messagesPerSecond(),
                    r.p99Micros()));
        }
        return s.toString();
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> metric) {
        return EchoBenchmark.median(runs.stream().mapToDouble(metric).toArray());
    }

    private static String sysctl(String key) {
        try {
            // a line reader: Files.readString trusts the size procfs reports and read "4" of "4096"
            return Files.readAllLines(Path.of("/proc/sys", key)).get(0).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    /** The kernel's TcpExt ListenOverflows counter, or 0 where there is none. */
    private static long listenOverflows() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
                    List<String> names = List.of(lines.get(i).split("\\s+"));
                    int at = names.indexOf("ListenOverflows");
                    return at < 0 ? 0 : Long.parseLong(lines.get(i + 1).split("\\s+")[at]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no counter
        }
        return 0;
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/loadavg")).get(0).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
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
