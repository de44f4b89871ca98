package io.asyncore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ramp load and the servers of {@link RampBenchmark} with small counts: every
 * connection opened at once connects and echoes (every byte verified by
 * {@link EchoLoad}). Not a measurement; the benchmark itself never runs in the build.
 */
class RampSmokeTest {

    private static final int CONNECTIONS = 200;

    @Test
    void jdkServerTakesARamp() throws Exception {
        ramp(new JdkEchoServer());
    }

    @Test
    void twoLoopsHandingOffTakeARamp() throws Exception {
        ramp(new AsyncoreEchoServer(AsyncoreEchoServer.Style.ZERO_COPY, 2, false));
    }

    @Test
    void twoLoopsWithAListenerEachTakeARamp() throws Exception {
        ramp(new AsyncoreEchoServer(AsyncoreEchoServer.Style.ZERO_COPY, 2, true));
    }

    @Test
    void theBenchmarkRunsEndToEndWithSmallCounts(@TempDir Path out) throws Exception {
        // the report it prints goes to a buffer, checked below, not into the build output
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream console = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            RampBenchmark.main(new String[] {"--connections", "50", "--warmup-connections", "20", "--warmup", "0.2",
                "--measure", "0.3", "--rounds", "1", "--no-pin",
                "--servers", "jdk,zc-2loops-reuseport", "--out", out.toString()});
        } finally {
            System.setOut(console);
        }
        String table = Files.readString(out.resolve("ramp.md"));
        assertTrue(table.contains("| jdk |") && table.contains("| zc-2loops-reuseport |"), table);
        String report = printed.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("ramp benchmark: 50 connections") && report.contains("| zc-2loops-reuseport |"), report);
    }

    private static void ramp(EchoServer server) throws Exception {
        try (server) {
            var config = new EchoLoad.Config(new InetSocketAddress("127.0.0.1", server.port()), CONNECTIONS, 0, 1, 100);
            try (EchoLoad load = EchoLoad.ramp(config, 30_000_000_000L)) {
                assertEquals(0, load.connectFailures(), "connects failed");
                assertTrue(load.rampNanos() >= 0);
                EchoLoad.Result result = load.run(100_000_000L, 300_000_000L, null, null);
                assertTrue(result.messages() > 0, "no message came back");
                assertTrue(result.bytesVerified() >= result.messages() * 100, "bytes verified");
            }
        }
    }
}
