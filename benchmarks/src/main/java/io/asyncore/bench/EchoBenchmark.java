package io.asyncore.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The echo benchmark: each server in its own child JVM, pinned to CPU 0 with
 * {@code taskset}, this load generator pinned to CPU 1; for every workload and round the
 * servers take turns under the same load (the order rotates each round). Prints a table
 * of medians and writes {@code echo.md}, {@code echo.svg} and {@code echo.csv}.
 *
 * <p>{@code --ramp} runs {@link RampBenchmark} instead, with the other options.
 *
 * <p>Options: {@code --quick} (1 round, 1 s warm-up, 2 s measured), {@code --rounds N},
 * {@code --warmup S}, {@code --measure S}, {@code --inflight P}, {@code --workloads a,b},
 * {@code --servers a,b}, {@code --out DIR}, {@code --no-pin}, {@code --server-opts "JVM options"}
 * (default {@code -Xms512m -Xmx512m -XX:+UseSerialGC -XX:+UseTransparentHugePages}: large
 * pages spare a loop that visits 10,000 dispatchers per pass the TLB misses that follow
 * every system call on kernels with page-table isolation).
 */
public final class EchoBenchmark {

    /** Server kinds in table order, with their labels. */
    static final Map<String, String> SERVERS = new LinkedHashMap<>();

    static {
        SERVERS.put("zc", "asyncore zero-copy Dispatcher");
        SERVERS.put("send", "asyncore DispatcherWithSend");
        SERVERS.put("jdk", "plain JDK Selector");
        SERVERS.put("netty", "Netty 4.2 NIO, 1 thread");
        SERVERS.put("zc-1loop", "asyncore zero-copy, 1 loop");
        SERVERS.put("zc-2loops", "asyncore zero-copy, 2 loops");
    }

    /**
     * One load shape.
     *
     * @param id short name
     * @param label what the table shows
     * @param active connections that send
     * @param idle silent connections
     * @param size message bytes
     * @param servers the server kinds that take turns
     * @param pinned whether server and load are pinned to one CPU each
     */
    record Workload(String id, String label, int active, int idle, int size, List<String> servers, boolean pinned) {}

    /**
     * One measured run.
     */
    record Run(String workload, String server, int round, double messagesPerSecond, double p50Micros,
            double p99Micros, double p999Micros, double cpuMicrosPerMessage, double heapPerConnection) {}

    private static final List<String> MAIN = List.of("zc", "send", "jdk", "netty");

    static final List<Workload> WORKLOADS = List.of(
            new Workload("1x64", "1 conn, 64 B", 1, 0, 64, MAIN, true),
            new Workload("100x64", "100 conns, 64 B", 100, 0, 64, MAIN, true),
            new Workload("100x4k", "100 conns, 4 KiB", 100, 0, 4096, MAIN, true),
            new Workload("1000x64", "1,000 conns, 64 B", 1000, 0, 64, MAIN, true),
            new Workload("idle10k", "10,000 idle + 100 active, 64 B", 100, 10_000, 64, MAIN, true),
            new Workload("loops", "1 vs 2 loops, 100 conns 64 B unpinned", 100, 0, 64,
                    List.of("zc-1loop", "zc-2loops"), false));

    private int rounds = 3;
    private double warmupSeconds = 2;
    private double measureSeconds = 5;
    private int inFlight = 1;
    private boolean pin = true;
    /** JVM options of every server, the same for all of them (and for {@link RampBenchmark}'s). */
    static final List<String> SERVER_OPTIONS = List.of("-Xms512m", "-Xmx512m", "-XX:+UseSerialGC",
            "-XX:+UseTransparentHugePages");

    private List<String> serverOptions = SERVER_OPTIONS;
    private Path out = Path.of("results");
    private List<String> onlyWorkloads;
    private List<String> onlyServers;
    private final List<Run> runs = new ArrayList<>();
    private final Path serverLog;

    private EchoBenchmark(String[] args) throws IOException {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> {
                    rounds = 1;
                    warmupSeconds = 1;
                    measureSeconds = 2;
                }
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmupSeconds = Double.parseDouble(args[++i]);
                case "--measure" -> measureSeconds = Double.parseDouble(args[++i]);
                case "--inflight" -> inFlight = Integer.parseInt(args[++i]);
                case "--workloads" -> onlyWorkloads = List.of(args[++i].split(","));
                case "--servers" -> onlyServers = List.of(args[++i].split(","));
                case "--out" -> out = Path.of(args[++i]);
                case "--no-pin" -> pin = false;
                case "--server-opts" -> serverOptions = List.of(args[++i].trim().split("\\s+"));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Files.createDirectories(out);
        serverLog = Files.createTempFile("echo-servers", ".log");
        pin &= new File("/usr/bin/taskset").canExecute() && cpus() >= 2;
    }

    /**
     * Runs the benchmark.
     *
     * @param args options, see the class javadoc
     * @throws Exception if a server or the load fails
     */
    public static void main(String[] args) throws Exception {
        List<String> options = new ArrayList<>(List.of(args));
        if (options.remove("--ramp")) {
            RampBenchmark.main(options.toArray(String[]::new)); // run-ramp.sh: the same build and limits
            return;
        }
        new EchoBenchmark(args).runAll();
    }

    private void runAll() throws Exception {
        Instant started = Instant.now();
        System.out.printf(Locale.ROOT, "echo benchmark: %d round(s), %.0f s warm-up, %.0f s measured, %d in flight,"
                + " pinned: %s; server logs: %s%n", rounds, warmupSeconds, measureSeconds, inFlight, pin, serverLog);
        for (Workload w : WORKLOADS) {
            if (onlyWorkloads != null && !onlyWorkloads.contains(w.id())) {
                continue;
            }
            List<String> servers = new ArrayList<>(w.servers());
            if (onlyServers != null) {
                servers.retainAll(onlyServers);
            }
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < servers.size(); k++) {
                    String server = servers.get((k + round) % servers.size());
                    Run run = runOne(w, server, round);
                    runs.add(run);
                    System.out.printf(Locale.ROOT, "  %-8s %-10s round %d: %,10.0f msg/s  p50 %7.1f  p99 %7.1f  p99.9 %7.1f us"
                            + "  cpu %5.2f us/msg%s%n", w.id(), server, round, run.messagesPerSecond(), run.p50Micros(),
                            run.p99Micros(), run.p999Micros(), run.cpuMicrosPerMessage(),
                            Double.isNaN(run.heapPerConnection()) ? "" : String.format(Locale.ROOT, "  heap %.0f B/conn",
                                    run.heapPerConnection()));
                }
            }
        }
        Report report = new Report(runs, WORKLOADS, SERVERS, environment(started));
        String markdown = report.markdown();
        System.out.println();
        System.out.println(markdown);
        Files.writeString(out.resolve("echo.md"), markdown);
        Files.writeString(out.resolve("echo.svg"), report.svg());
        Files.writeString(out.resolve("echo.csv"), report.csv());
        System.out.println("wrote " + out.resolve("echo.md") + ", echo.svg, echo.csv");
    }

    private String environment(Instant started) {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException | RuntimeException ignored) {
            // not Linux: the CPU model stays unknown
        }
        return String.format(Locale.ROOT, "%s; %d CPUs (%s); Java %s (%s); %d round(s) of %.0f s after %.0f s warm-up;"
                + " %d message(s) in flight per connection; server %s, load generator %s; server JVM options %s", started,
                cpus(), cpu, System.getProperty("java.version"),
                System.getProperty("java.vm.name"), rounds, measureSeconds, warmupSeconds, inFlight,
                pin ? "pinned to CPU 0" : "unpinned", pin ? "pinned to CPU 1" : "unpinned",
                String.join(" ", serverOptions));
    }

    private Run runOne(Workload w, String server, int round) throws Exception {
        boolean pinned = pin && w.pinned();
        setOwnAffinity(pinned ? "1" : "0-" + (cpus() - 1));
        String kind = server.startsWith("zc-") ? "zc" : server;
        int loops = server.equals("zc-2loops") ? 2 : 1;
        List<String> command = new ArrayList<>();
        if (pinned) {
            command.addAll(List.of("taskset", "-c", "0"));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        command.add(java);
        command.addAll(serverOptions);
        command.addAll(List.of("--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                EchoServerMain.class.getName(), kind, Integer.toString(loops)));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
                .start();
        try (Child child = new Child(process)) {
            int port = Integer.parseInt(child.expect("PORT"));
            long heapBefore = w.idle() > 0 ? Long.parseLong(child.ask("HEAP").split(" ")[0]) : 0;
            EchoLoad.Config config = new EchoLoad.Config(new InetSocketAddress("127.0.0.1", port), w.active(), w.idle(),
                    inFlight, w.size());
            try (EchoLoad load = new EchoLoad(config)) {
                int expected = w.active() + w.idle();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (Integer.parseInt(child.ask("CONNS")) < expected) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(server + " accepted fewer than " + expected + " connections");
                    }
                    Thread.sleep(20);
                }
                double heapPerConnection = Double.NaN;
                if (w.idle() > 0) {
                    long heapAfter = Long.parseLong(child.ask("HEAP").split(" ")[0]);
                    heapPerConnection = (heapAfter - heapBefore) / (double) expected;
                }
                long[] cpu = new long[2];
                EchoLoad.Result result = load.run((long) (warmupSeconds * 1e9), (long) (measureSeconds * 1e9),
                        () -> cpu[0] = Long.parseLong(child.ask("CPU")), () -> cpu[1] = Long.parseLong(child.ask("CPU")));
                Histogram h = result.latencyNanos();
                return new Run(w.id(), server, round, result.messagesPerSecond(),
                        h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                        h.getValueAtPercentile(99.9) / 1e3, (cpu[1] - cpu[0]) / 1e3 / Math.max(1, result.messages()),
                        heapPerConnection);
            }
        }
    }

    /** CPUs of the machine, not of this process's affinity mask (which the benchmark narrows). */
    static int cpus() {
        try {
            return (int) Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("processor")).count();
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    static void setOwnAffinity(String cpus) {
        if (!new File("/usr/bin/taskset").canExecute()) {
            return;
        }
        try {
            Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(ProcessHandle.current().pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A server child process and its command channel. */
    static final class Child implements AutoCloseable {
        private final Process process;
        private final BufferedReader in;
        private final PrintStream out;

        Child(Process process) {
            this.process = process;
            this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.out = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        String expect(String tag) {
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith(tag + " ")) {
                        return line.substring(tag.length() + 1).trim();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new IllegalStateException("echo server ended before answering " + tag + " (exit "
                    + (process.isAlive() ? "none" : process.exitValue()) + "); see its log");
        }

        String ask(String command) {
            out.println(command);
            return expect(command);
        }

        @Override
        public void close() throws InterruptedException {
            out.println("QUIT");
            out.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
