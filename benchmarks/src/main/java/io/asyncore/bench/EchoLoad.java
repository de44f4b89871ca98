package io.asyncore.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * An echo load generator with its own NIO client code, independent of the code under
 * test: one thread, one {@link Selector}, {@code active} connections that each keep
 * {@code inFlight} messages of {@code size} bytes on the wire, plus {@code idle}
 * connections that stay open and silent.
 *
 * <p>Every byte that comes back is checked against what was sent: connection {@code c}
 * sends the pattern {@code PATTERN[(offset + 7c) % 251]}, so a lost, duplicated,
 * reordered or crossed byte fails the run with an {@link IllegalStateException}. Latency
 * is measured per message, from when it was queued for sending to when its last byte came
 * back, into an HdrHistogram.
 *
 * <p>{@link #ramp} opens the active connections all at once instead, each echoing from
 * the moment it is connected, and measures how long the ramp takes (from the moment every
 * {@code connect} has been issued to the last one completed), how many connects fail or
 * time out, and how long issuing the connects took (the server accepts meanwhile). On
 * Linux a connect whose SYN was dropped (a full backlog) is retried after 1 s (then 3, 7 s...).
 */
public final class EchoLoad implements AutoCloseable {

    private static final int PERIOD = 251;
    private static final int CHUNK = 64 * 1024;
    private static final byte[] PATTERN = new byte[PERIOD + CHUNK + PERIOD];

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = (byte) ((i % PERIOD) * 131 + 17);
        }
    }

    /**
     * What to generate.
     *
     * @param target the echo server
     * @param active connections that send
     * @param idle connections that stay silent
     * @param inFlight messages outstanding per active connection
     * @param size bytes per message
     */
    public record Config(InetSocketAddress target, int active, int idle, int inFlight, int size) {
        /** Checks the numbers. */
        public Config {
            if (active < 1 || idle < 0 || inFlight < 1 || size < 1) {
                throw new IllegalArgumentException("bad load: " + active + " active, " + idle + " idle, "
                        + inFlight + " in flight, " + size + " B");
            }
        }
    }

    /**
     * What one measurement saw.
     *
     * @param messages messages completed inside the measurement window
     * @param seconds the window's length
     * @param latencyNanos latency of those messages, in nanoseconds
     * @param bytesVerified every byte checked, warm-up included
     */
    public record Result(long messages, double seconds, Histogram latencyNanos, long bytesVerified) {
        /**
         * Throughput.
         *
         * @return messages per second
         */
        public double messagesPerSecond() {
            return messages / seconds;
        }
    }

    private final Config config;
    private final Selector selector;
    private final ByteBuffer out = ByteBuffer.allocateDirect(PATTERN.length);
    private final ByteBuffer in = ByteBuffer.allocateDirect(CHUNK);
    private final byte[] scratch = new byte[CHUNK];
    private final List<SocketChannel> idle = new ArrayList<>();
    private final Conn[] conns;
    private final Histogram histogram = new Histogram(1_000L, 60_000_000_000L, 3);
    private boolean measuring;
    private long completed;
    private long verified;
    private int connecting;
    private int connectFailures;
    private long issueNanos = -1;
    private long rampNanos = -1;

    /** One active connection's stream state. */
    private static final class Conn {
        final SocketChannel channel;
        final int phase;
        final long[] stamps;
        SelectionKey key;
        long sent;
        long target;
        long received;
        long nextDone;
        long messagesQueued;
        long messagesDone;
        boolean started;

        Conn(SocketChannel channel, int id, int inFlight) {
            this.channel = channel;
            this.phase = (id * 7) % PERIOD;
            this.stamps = new long[inFlight];
        }
    }

    /**
     * Opens every connection (idle ones first), blocking until all are established.
     *
     * @param config the load
     * @throws IOException if a connection fails
     */
    public EchoLoad(Config config) throws IOException {
        this(config, false);
    }

    /**
     * Opens the idle connections one by one, then every active one at once without
     * waiting; each sends its first messages as soon as it is connected and echoes from
     * then on. Returns when all are connected or {@code deadlineNanos} (from now) passed;
     * connections that failed or did not connect in time are counted
     * ({@link #connectFailures()}) and closed.
     *
     * @param config the load
     * @param deadlineNanos how long the ramp may take
     * @return the load, ready for {@link #run}
     * @throws IOException if the selector or an idle connection fails
     */
    public static EchoLoad ramp(Config config, long deadlineNanos) throws IOException {
        EchoLoad load = new EchoLoad(config, true);
        try {
            load.rampUp(deadlineNanos);
        } catch (IOException | RuntimeException e) {
            load.close();
            throw e;
        }
        return load;
    }

    private EchoLoad(Config config, boolean atOnce) throws IOException {
        this.config = config;
        this.selector = Selector.open();
        this.out.put(PATTERN).clear();
        this.conns = new Conn[config.active()];
        try {
            for (int i = 0; i < config.idle(); i++) {
                idle.add(open());
            }
            long issuing = System.nanoTime();
            for (int i = 0; i < conns.length; i++) {
                SocketChannel ch = atOnce ? SocketChannel.open() : open();
                ch.configureBlocking(false);
                Conn c = new Conn(ch, i, config.inFlight());
                conns[i] = c;
                boolean connected = true;
                if (atOnce) {
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    connected = ch.connect(config.target());
                }
                c.key = ch.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c);
                if (!connected) {
                    connecting++;
                }
            }
            if (atOnce) {
                issueNanos = System.nanoTime() - issuing;
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private SocketChannel open() throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.connect(config.target());
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return ch;
    }

    private void rampUp(long deadlineNanos) throws IOException {
        long start = System.nanoTime();
        for (Conn c : conns) {
            if (c.channel.isConnected()) {
                start(c, start);
            }
        }
        while (connecting > 0 && System.nanoTime() - start < deadlineNanos) {
            selector.select(this::onReady, 100);
        }
        rampNanos = System.nanoTime() - start;
        for (Conn c : conns) {
            if (!c.channel.isConnected() && c.channel.isOpen()) {
                connectFailures++; // timed out
                c.key.cancel();
                closeQuietly(c.channel);
            }
        }
        connecting = 0;
    }

    /** Queues a connection's first messages. */
    private void start(Conn c, long now) throws IOException {
        c.started = true;
        for (int i = 0; i < config.inFlight(); i++) {
            queue(c, now);
        }
        flush(c);
    }

    private void finishConnect(SelectionKey key, Conn c) {
        connecting--;
        try {
            if (c.channel.finishConnect()) {
                key.interestOps(SelectionKey.OP_READ);
                start(c, System.nanoTime());
                return;
            }
            connecting++; // not yet
        } catch (IOException e) {
            connectFailures++; // refused, reset or timed out by the kernel
            key.cancel();
            closeQuietly(c.channel);
        }
    }

    /**
     * How long {@link #ramp} took to connect everything (or to give up).
     *
     * @return nanoseconds, or -1 when the connections were opened one by one
     */
    public long rampNanos() {
        return rampNanos;
    }

    /**
     * Connects that failed or timed out during {@link #ramp}.
     *
     * @return the count
     */
    public int connectFailures() {
        return connectFailures;
    }

    /**
     * How long {@link #ramp} took to issue every (non-blocking) connect, before
     * {@link #rampNanos()} starts.
     *
     * @return nanoseconds, or -1 when the connections were opened one by one
     */
    public long issueNanos() {
        return issueNanos;
    }

    /**
     * Runs the load: warms up, then measures, then stops sending.
     *
     * @param warmupNanos how long to run before measuring
     * @param measureNanos how long to measure
     * @param atMeasureStart called when measuring starts (to sample server CPU, say)
     * @param atMeasureEnd called when measuring ends
     * @return what the window saw
     * @throws IOException if a connection fails or an echoed byte is wrong
     */
    public Result run(long warmupNanos, long measureNanos, Runnable atMeasureStart, Runnable atMeasureEnd)
            throws IOException {
        long now = System.nanoTime();
        for (Conn c : conns) {
            if (!c.started && c.channel.isConnected()) {
                start(c, now);
            }
        }
        long measureAt = now + warmupNanos;
        long endAt = measureAt + measureNanos;
        long measureStart = 0;
        while (true) {
            now = System.nanoTime();
            if (!measuring && now >= measureAt) {
                if (atMeasureStart != null) {
                    atMeasureStart.run();
                }
                measuring = true;
                completed = 0;
                histogram.reset();
                measureStart = System.nanoTime();
            } else if (measuring && now >= endAt) {
                long measureEnd = System.nanoTime();
                measuring = false;
                if (atMeasureEnd != null) {
                    atMeasureEnd.run();
                }
                return new Result(completed, (measureEnd - measureStart) / 1e9, histogram.copy(), verified);
            }
            long left = (measuring ? endAt : measureAt) - now;
            selector.select(this::onReady, Math.max(1, Math.min(100, left / 1_000_000)));
        }
    }

    private void onReady(SelectionKey key) {
        Conn c = (Conn) key.attachment();
        if (key.isConnectable()) {
            finishConnect(key, c);
            return;
        }
        try {
            if (key.isReadable()) {
                read(c);
            }
            if (key.isValid() && key.isWritable()) {
                flush(c);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("echo connection failed: " + e.getMessage(), e);
        }
    }

    private void read(Conn c) throws IOException {
        in.clear();
        int n = c.channel.read(in);
        if (n < 0) {
            throw new IllegalStateException("server closed an echo connection after " + c.received + " bytes");
        }
        if (n == 0) {
            return;
        }
        in.flip();
        in.get(scratch, 0, n);
        int from = (int) ((c.received + c.phase) % PERIOD);
        if (Arrays.mismatch(scratch, 0, n, PATTERN, from, from + n) >= 0 || c.received + n > c.sent) {
            throw new IllegalStateException("echoed bytes differ from those sent at stream offset "
                    + c.received + " (+" + n + ")");
        }
        c.received += n;
        verified += n;
        if (c.received < c.nextDone) {
            return;
        }
        long now = System.nanoTime();
        int size = config.size();
        while (c.received >= c.nextDone && c.messagesDone < c.messagesQueued) {
            long latency = now - c.stamps[(int) (c.messagesDone % c.stamps.length)];
            c.messagesDone++;
            c.nextDone += size;
            if (measuring) {
                completed++;
                histogram.recordValue(Math.max(1_000L, Math.min(latency, 60_000_000_000L)));
            }
            queue(c, now);
        }
        flush(c);
    }

    private void queue(Conn c, long now) {
        c.stamps[(int) (c.messagesQueued % c.stamps.length)] = now;
        if (c.messagesQueued == c.messagesDone) {
            c.nextDone = c.target + config.size();
        }
        c.messagesQueued++;
        c.target += config.size();
    }

    private void flush(Conn c) throws IOException {
        while (c.sent < c.target) {
            int from = (int) ((c.sent + c.phase) % PERIOD);
            int len = (int) Math.min(CHUNK, c.target - c.sent);
            out.limit(from + len).position(from);
            int n = c.channel.write(out);
            c.sent += n;
            if (n < len) {
                c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                return;
            }
        }
        if (c.key.interestOps() != SelectionKey.OP_READ) {
            c.key.interestOps(SelectionKey.OP_READ);
        }
    }

    /** Closes every connection and the selector. */
    @Override
    public void close() {
        for (SocketChannel ch : idle) {
            closeQuietly(ch);
        }
        for (Conn c : conns) {
            if (c != null) {
                closeQuietly(c.channel);
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing a benchmark connection; the server sees the end of stream either way
        }
    }
}
