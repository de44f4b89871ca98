package io.asyncore.bench;

import io.asyncore.bench.EchoBenchmark.Run;
import io.asyncore.bench.EchoBenchmark.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Turns the runs of one {@link EchoBenchmark} into a Markdown table of medians with the
 * ratios and targets, a hand-written SVG bar chart of messages per second, and CSV.
 */
final class Report {

    private static final String[] COLORS = {"#1f77b4", "#6baed6", "#d62728", "#2ca02c", "#9467bd", "#c5b0d5"};

    private final List<Run> runs;
    private final List<Workload> workloads;
    private final Map<String, String> servers;
    private final String environment;

    Report(List<Run> runs, List<Workload> workloads, Map<String, String> servers, String environment) {
        this.runs = runs;
        this.workloads = workloads.stream().filter(w -> runs.stream().anyMatch(r -> r.workload().equals(w.id()))).toList();
        this.servers = servers;
        this.environment = environment;
    }

    /** Median of one metric over the rounds of one workload and server; NaN if none ran. */
    double median(String workload, String server, ToDoubleFunction<Run> metric) {
        double[] values = runs.stream().filter(r -> r.workload().equals(workload) && r.server().equals(server))
                .mapToDouble(metric).filter(v -> !Double.isNaN(v)).toArray();
        return EchoBenchmark.median(values);
    }

    private List<String> serversOf(Workload w) {
        return w.servers().stream().filter(s -> runs.stream()
                .anyMatch(r -> r.workload().equals(w.id()) && r.server().equals(s))).toList();
    }

    String markdown() {
        StringBuilder s = new StringBuilder("# Echo benchmark\n\n").append(environment).append("\n\n");
        s.append("Medians over the rounds. Latency is per message, from queueing it in the load generator to its"
                + " last echoed byte; CPU is the server process's (all its threads) per message; heap is the"
                + " server's used heap after GC with the connections open, per connection.\n\n");
        s.append("| workload | server | msg/s | p50 µs | p99 µs | p99.9 µs | server CPU µs/msg | heap B/conn |\n");
        s.append("|---|---|--:|--:|--:|--:|--:|--:|\n");
        for (Workload w : workloads) {
            for (String server : serversOf(w)) {
                double heap = median(w.id(), server, Run::heapPerConnection);
                s.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %.1f | %.1f | %.1f | %.2f | %s |%n", w.label(),
                        servers.get(server), median(w.id(), server, Run::messagesPerSecond),
                        median(w.id(), server, Run::p50Micros), median(w.id(), server, Run::p99Micros),
                        median(w.id(), server, Run::p999Micros), median(w.id(), server, Run::cpuMicrosPerMessage),
                        Double.isNaN(heap) ? "" : String.format(Locale.ROOT, "%,.0f", heap)));
            }
        }
        s.append("\n## Ratios of ours to the references (medians)\n\n");
        s.append("| workload | zero-copy / JDK msg/s | zero-copy / Netty msg/s | zero-copy / JDK CPU per msg"
                + " | zero-copy / Netty CPU per msg | zero-copy / Netty p99 | DispatcherWithSend / zero-copy msg/s |\n");
        s.append("|---|--:|--:|--:|--:|--:|--:|\n");
        for (Workload w : workloads) {
            if (!w.servers().contains("jdk")) {
                continue;
            }
            s.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", w.label(),
                    ratio(w, "zc", "jdk", Run::messagesPerSecond), ratio(w, "zc", "netty", Run::messagesPerSecond),
                    ratio(w, "zc", "jdk", Run::cpuMicrosPerMessage), ratio(w, "zc", "netty", Run::cpuMicrosPerMessage),
                    ratio(w, "zc", "netty", Run::p99Micros), ratio(w, "send", "zc", Run::messagesPerSecond)));
        }
        s.append("\n## Targets\n\nMessages per second depend on how much CPU the machine's other work leaves;"
                + " server CPU per message depends much less on it, so throughput targets are also given by CPU.\n\n"
                + "| target | measured | met |\n|---|--:|---|\n");
        target(s, "100 conns 64 B: zero-copy msg/s >= JDK", r("100x64", "zc", "100x64", "jdk", Run::messagesPerSecond), 1.0, true);
        target(s, "100 conns 64 B: zero-copy msg/s >= Netty", r("100x64", "zc", "100x64", "netty", Run::messagesPerSecond), 1.0, true);
        target(s, "100 conns 64 B: CPU/msg <= 1.05x JDK", r("100x64", "zc", "100x64", "jdk", Run::cpuMicrosPerMessage), 1.05, false);
        target(s, "100 conns 64 B: CPU/msg <= Netty", r("100x64", "zc", "100x64", "netty", Run::cpuMicrosPerMessage), 1.0, false);
        target(s, "100 conns 64 B: p99 <= Netty", r("100x64", "zc", "100x64", "netty", Run::p99Micros), 1.0, false);
        target(s, "10k idle + 100 active >= 0.8x 100 alone (zero-copy msg/s)",
                r("idle10k", "zc", "100x64", "zc", Run::messagesPerSecond), 0.8, true);
        target(s, "same, by server CPU per message (100 alone / 10k idle + 100 active)",
                r("100x64", "zc", "idle10k", "zc", Run::cpuMicrosPerMessage), 0.8, true);
        target(s, "(reference, not a target) the JDK server's own 10k idle + 100 active / 100 alone",
                r("idle10k", "jdk", "100x64", "jdk", Run::messagesPerSecond), 0.8, true);
        target(s, "100 conns 64 B: DispatcherWithSend >= 0.8x zero-copy msg/s",
                r("100x64", "send", "100x64", "zc", Run::messagesPerSecond), 0.8, true);
        target(s, "same, by server CPU per message (zero-copy / DispatcherWithSend)",
                r("100x64", "zc", "100x64", "send", Run::cpuMicrosPerMessage), 0.8, true);
        double heap = median("idle10k", "zc", Run::heapPerConnection);
        s.append(String.format(Locale.ROOT, "| heap per idle connection < 2 KiB (zero-copy) | %s B | %s |%n",
                Double.isNaN(heap) ? "n/a" : String.format(Locale.ROOT, "%,.0f", heap),
                Double.isNaN(heap) ? "not run" : heap < 2048 ? "yes" : "**no**"));
        s.append("\n![messages per second](echo.svg)\n");
        return s.toString();
    }

    private double r(String w1, String s1, String w2, String s2, ToDoubleFunction<Run> metric) {
        return median(w1, s1, metric) / median(w2, s2, metric);
    }

    private String ratio(Workload w, String ours, String theirs, ToDoubleFunction<Run> metric) {
        double v = median(w.id(), ours, metric) / median(w.id(), theirs, metric);
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static void target(StringBuilder s, String what, double ratio, double bound, boolean atLeast) {
        String met = Double.isNaN(ratio) ? "not run" : (atLeast ? ratio >= bound : ratio <= bound) ? "yes" : "**no**";
        s.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", what,
                Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2fx", ratio), met));
    }

    String csv() {
        StringBuilder s = new StringBuilder(
                "workload,server,round,msg_per_s,p50_us,p99_us,p999_us,cpu_us_per_msg,heap_bytes_per_conn\n");
        for (Run r : runs) {
            s.append(String.format(Locale.ROOT, "%s,%s,%d,%.1f,%.2f,%.2f,%.2f,%.3f,%s%n", r.workload(), r.server(),
                    r.round(), r.messagesPerSecond(), r.p50Micros(), r.p99Micros(), r.p999Micros(),
                    r.cpuMicrosPerMessage(), Double.isNaN(r.heapPerConnection()) ? "" : String.format(Locale.ROOT,
                            "%.0f", r.heapPerConnection())));
        }
        return s.toString();
    }

    /** Grouped bars: one group per workload, one bar per server, a shared linear axis. */
    String svg() {
        List<String> all = new ArrayList<>(servers.keySet());
        List<String> legend = all.stream().filter(k -> runs.stream().anyMatch(r -> r.server().equals(k))).toList();
        int barWidth = 24;
        int gap = 44;
        int left = 80;
        int top = 40;
        int height = 300;
        double max = 0;
        for (Workload w : workloads) {
            for (String server : serversOf(w)) {
                max = Math.max(max, median(w.id(), server, Run::messagesPerSecond));
            }
        }
        double scaleMax = niceCeiling(max);
        int width = left + 20;
        int rightMargin = 70; // room for the last group's label
        for (Workload w : workloads) {
            width += serversOf(w).size() * barWidth + gap;
        }
        int legendY = top + height + 70;
        int totalHeight = legendY + 22 * ((legend.size() + 1) / 2) + 10;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"11\">%n", Math.max(width + rightMargin, 560), totalHeight));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\" font-weight=\"bold\">Echo messages"
                + " per second (median), higher is better</text>%n", left));
        for (int i = 0; i <= 5; i++) {
            double v = scaleMax * i / 5;
            int y = top + height - (int) Math.round(height * i / 5.0);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                    left, y, width, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", left - 6,
                    y + 4, String.format(Locale.ROOT, "%,.0f", v)));
        }
        int x = left + gap / 2;
        for (Workload w : workloads) {
            List<String> shown = serversOf(w);
            int groupX = x;
            for (String server : shown) {
                double v = median(w.id(), server, Run::messagesPerSecond);
                int h = (int) Math.round(height * v / scaleMax);
                String color = COLORS[all.indexOf(server) % COLORS.length];
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                        + "<title>%s, %s: %,.0f msg/s</title></rect>%n", x, top + height - h, barWidth - 2, h, color,
                        escape(w.label()), escape(servers.get(server)), v));
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"9\" transform=\"rotate(-90 %d %d)\">"
                        + "%s</text>%n", x + barWidth / 2 + 3, top + height - h - 4, x + barWidth / 2 + 3,
                        top + height - h - 4, compact(v)));
                x += barWidth;
            }
            int mid = (groupX + x) / 2;
            String[] words = w.label().split(", ", 2);
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", mid,
                    top + height + 16, escape(words[0])));
            if (words.length > 1) {
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", mid,
                        top + height + 30, escape(words[1])));
            }
            x += gap;
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                left, top + height, width, top + height));
        for (int i = 0; i < legend.size(); i++) {
            int lx = left + (i % 2) * 260;
            int ly = legendY + (i / 2) * 22;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", lx, ly - 11, COLORS[all.indexOf(legend.get(i)) % COLORS.length],
                    lx + 20, ly, escape(servers.get(legend.get(i)))));
        }
        return s.append("</svg>\n").toString();
    }

    private static String compact(double v) {
        return v >= 1e6 ? String.format(Locale.ROOT, "%.2fM", v / 1e6) : String.format(Locale.ROOT, "%.0fk", v / 1e3);
    }

    private static double niceCeiling(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
