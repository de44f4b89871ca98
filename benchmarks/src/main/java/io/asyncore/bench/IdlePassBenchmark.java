package io.asyncore.bench;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One loop pass ({@code Asyncore.poll} with a zero timeout) over N idle channels: connected
 * loopback pairs whose server side is in the map, {@code readable()} true, nothing
 * arriving. Run with {@code -prof gc} to see the bytes allocated per pass (the target is
 * 0 B/op: the engine allocates nothing per pass in steady state).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class IdlePassBenchmark {

    /** How many idle channels are in the map. */
    @Param({"10", "1000", "10000"})
    public int channels;

    private ChannelMap map;
    private ServerSocketChannel server;
    private Process peers;

    /** An idle connection: wants to read, never writes. */
    static final class Idle extends Dispatcher {
        Idle(SocketChannel channel, ChannelMap map) {
            super(channel, map);
        }

        @Override
        public boolean writable() {
            return false;
        }

        @Override
        protected void handleRead() throws IOException {
            throw new IllegalStateException("an idle channel became readable");
        }
    }

    /**
     * Opens the pairs and runs one pass so that every channel is registered.
     *
     * @throws IOException if sockets run out (raise {@code ulimit -n})
     */
    @Setup(Level.Trial)
    public void open() throws IOException {
        map = new ChannelMap("idle-bench");
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 4096);
        // The far ends live in another process: 10,000 pairs would not fit under one
        // process's descriptor limit.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        peers = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), IdlePeers.class.getName(),
                Integer.toString(((InetSocketAddress) server.getLocalAddress()).getPort()), Integer.toString(channels))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        for (int i = 0; i < channels; i++) {
            new Idle(server.accept(), map);
        }
        String ready = new BufferedReader(new InputStreamReader(peers.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (!"READY".equals(ready)) {
            throw new IOException("idle peers failed: " + ready);
        }
        Asyncore.poll(Duration.ZERO, map);
        // Closing happens when the forked JVM exits, not in a trial teardown: JMH runs that
        // teardown inside the last measured iteration, and -prof gc would charge its bytes
        // (about 70 B per channel closed, and the first use of a lambda or thread) to that
        // iteration's passes. The far ends' process ends with its standard input.
        ChannelMap m = map;
        ServerSocketChannel s = server;
        Process p = peers;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAll(m, s, p), "idle-bench-close"));
    }

    /** One pass. */
    @Benchmark
    public void pass() {
        Asyncore.poll(Duration.ZERO, map);
    }

    private static void closeAll(ChannelMap map, ServerSocketChannel server, Process peers) {
        Asyncore.closeAll(map, true);
        try {
            server.close();
            peers.getOutputStream().close();
            peers.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            // the process is exiting: nothing left to report it to
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        peers.destroyForcibly();
    }
}
