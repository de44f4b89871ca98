package io.asyncore.file;

import io.asyncore.file.internal.Posix;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ping-pong latency and echo throughput through a pipe pair with {@link FileDispatcher}s
 * against a loopback TCP connection with plain {@link Dispatcher}s, in the same run, with
 * client and echo server in one loop and in two loops (two threads). Prints each result
 * and the pipe/socket ratio. Bounded: about 40 seconds.
 *
 * <p>Run: {@code ./mvnw -q -pl io.asyncore.file org.codehaus.mojo:exec-maven-plugin:exec@pingpong}
 * (after {@code install}); optional arguments: seconds per measurement (default 3),
 * message size (64), bulk chunk size (65536), pipe capacity (1 MiB; 0 keeps Linux's
 * default of 64 KiB).
 */
public final class PingPongBenchmark {

    private static int seconds = 3;
    private static int messageSize = 64;
    private static int chunkSize = 64 * 1024;
    private static int pipeSize = 1 << 20;

    private PingPongBenchmark() {}

    /**
     * Runs every measurement and prints the comparison.
     *
     * @param args optional: seconds, message size, chunk size
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            seconds = Integer.parseInt(args[0]);
        }
        if (args.length > 1) {
            messageSize = Integer.parseInt(args[1]);
        }
        if (args.length > 2) {
            chunkSize = Integer.parseInt(args[2]);
        }
        if (args.length > 3) {
            pipeSize = Integer.parseInt(args[3]);
        }
        System.out.printf("ping-pong: %d-byte messages; throughput: %d-byte chunks echoed; pipes of %d bytes"
                + " (0: the default 64 KiB); %d s each, after 1 s warm-up; %d CPUs%n",
                messageSize, chunkSize, pipeSize, seconds, Runtime.getRuntime().availableProcessors());
        System.out.println("load average before: " + java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim()
                + " (the machine is shared: compare pipe and tcp of the same run)");
        for (boolean twoLoops : new boolean[] {false, true}) {
            String where = twoLoops ? "two loops" : "one loop";
            Result pipe = run(Transport.PIPE, twoLoops);
            Result tcp = run(Transport.TCP, twoLoops);
            System.out.printf("%-9s pipe: %s%n", where, pipe);
            System.out.printf("%-9s tcp : %s%n", where, tcp);
            System.out.printf("%-9s pipe/tcp: mean latency x%.2f, p99 x%.2f, throughput x%.2f (pipe %s)%n", where,
                    pipe.meanMicros / tcp.meanMicros, pipe.p99Micros / tcp.p99Micros, pipe.mbPerSecond / tcp.mbPerSecond,
                    pipe.mbPerSecond >= tcp.mbPerSecond ? "faster" : "slower");
        }
        FdLeakCheck.awaitPollerGone();
    }

    enum Transport { PIPE, TCP }

    record Result(double meanMicros, double p50Micros, double p99Micros, long roundTrips, double mbPerSecond) {
        @Override
        public String toString() {
            return String.format("latency mean %.1f us, p50 %.1f us, p99 %.1f us (%d round trips); throughput %.0f MB/s",
                    meanMicros, p50Micros, p99Micros, roundTrips, mbPerSecond);
        }
    }

    private static Result run(Transport transport, boolean twoLoops) throws Exception {
        long[] rtts = new long[4_000_000];
        Latency latency = new Latency(rtts);
        measure(transport, twoLoops, latency, 1);
        latency.reset();
        measure(transport, twoLoops, latency, seconds);
        int n = (int) Math.min(latency.count, rtts.length);
        long[] sorted = Arrays.copyOf(rtts, n);
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0) / 1e3;

        Bulk bulk = new Bulk();
        measure(transport, twoLoops, bulk, 1);
        bulk.inFlight = 0; // what the warm-up's connection still carried is gone with it
        long start = bulk.received;
        long t0 = System.nanoTime();
        measure(transport, twoLoops, bulk, seconds);
        double mbps = (bulk.received - start) / ((System.nanoTime() - t0) / 1e9) / 1e6;
        return new Result(mean, sorted[n / 2] / 1e3, sorted[(int) (n * 0.99)] / 1e3, n, mbps);
    }

    // ------------------------------------------------------------------ the client's behaviour

    /** What the client does with its connection: the server always echoes. */
    interface Client {
        /** Bytes to send now (may be empty); called when writable. */
        ByteBuffer toSend();

        /** Bytes came back. */
        void received(int n, long now);

        /** Whether it wants to write. */
        boolean wantsWrite();
    }

    static final class Latency implements Client {
        final long[] rtts;
        final ByteBuffer message = ByteBuffer.allocateDirect(messageSize);
        volatile long count;
        long sentAt;
        int awaiting;

        Latency(long[] rtts) {
            this.rtts = rtts;
        }

        void reset() {
            count = 0;
            awaiting = 0;
            message.clear();
        }

        @Override
        public ByteBuffer toSend() {
            if (awaiting == 0 && !message.hasRemaining()) {
                message.clear();
            }
            if (message.position() == 0) {
                sentAt = System.nanoTime();
            }
            return message;
        }

        @Override
        public boolean wantsWrite() {
            return awaiting == 0;
        }

        @Override
        public void received(int n, long now) {
            awaiting -= n;
            if (awaiting <= 0 && !message.hasRemaining()) {
                long c = count;
                if (c < rtts.length) {
                    rtts[(int) c] = now - sentAt;
                }
                count = c + 1;
                awaiting = 0;
                message.clear();
            }
        }

        void sent(int n) {
            awaiting += n;
        }
    }

    static final class Bulk implements Client {
        final ByteBuffer chunk = ByteBuffer.allocateDirect(chunkSize);
        volatile long received;
        long inFlight;

        @Override
        public ByteBuffer toSend() {
            if (!chunk.hasRemaining()) {
                chunk.clear();
            }
            return chunk;
        }

        @Override
        public boolean wantsWrite() {
            return inFlight < 4L * chunkSize; // bounded: the echo must keep up
        }

        @Override
        public void received(int n, long now) {
            inFlight -= n;
            received += n;
        }
    }

    // ------------------------------------------------------------------ one measurement

    private static void measure(Transport transport, boolean twoLoops, Client client, int secs) throws Exception {
        EventLoop clientLoop = EventLoop.start("pingpong-client");
        EventLoop serverLoop = twoLoops ? EventLoop.start("pingpong-server") : clientLoop;
        try {
            CountDownLatch ready = new CountDownLatch(1);
            if (transport == Transport.PIPE) {
                int[] up = Posix.pipe(0);
                int[] down = Posix.pipe(0);
                if (pipeSize > 0) {
                    Posix.setPipeSize(up[1], pipeSize); // TCP on loopback has megabytes of buffer
                    Posix.setPipeSize(down[1], pipeSize);
                }
                Echo echo = new Echo();
                ClientSide side = new ClientSide(client);
                serverLoop.execute(() -> {
                    try {
                        echo.in = new PipeIn(up[0], serverLoop.map(), echo::readable, echo::onRead);
                        echo.out = new PipeOut(down[1], serverLoop.map(), echo::writable, echo::flush);
                    } catch (PosixException e) {
                        throw new IllegalStateException(e);
                    }
                });
                clientLoop.execute(() -> {
                    try {
                        side.out = new PipeOut(up[1], clientLoop.map(), side::writable, side::write);
                        side.in = new PipeIn(down[0], clientLoop.map(), () -> true, side::onRead);
                    } catch (PosixException e) {
                        throw new IllegalStateException(e);
                    }
                    ready.countDown();
                });
                ready.await(5, TimeUnit.SECONDS);
                Thread.sleep(secs * 1000L);
                for (int fd : new int[] {up[0], up[1], down[0], down[1]}) {
                    Posix.close(fd);
                }
            } else {
                Listener listener = new Listener(serverLoop.map());
                listener.createSocket();
                listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                listener.listen(5);
                SocketAddress address = listener.localAddress();
                serverLoop.register(listener);
                ClientSide side = new ClientSide(client);
                clientLoop.execute(() -> {
                    try {
                        TcpClient c = new TcpClient(clientLoop.map(), side);
                        c.createSocket();
                        ((SocketChannel) c.channel()).setOption(StandardSocketOptions.TCP_NODELAY, true);
                        c.connect(address);
                        side.in = c;
                        side.out = c;
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    ready.countDown();
                });
                ready.await(5, TimeUnit.SECONDS);
                Thread.sleep(secs * 1000L);
            }
        } finally {
            clientLoop.close();
            if (serverLoop != clientLoop) {
                serverLoop.close();
            }
        }
    }

    /** I/O through one dispatcher (socket) or two (pipe ends). */
    interface Io {
        int read(ByteBuffer b) throws IOException;

        int write(ByteBuffer b) throws IOException;
    }

    /** The echo: reads into a buffer, writes it back, stops reading while it cannot. */
    static final class Echo {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
        Io in;
        Io out;

        boolean readable() {
            return buffer.position() == 0;
        }

        boolean writable() {
            return buffer.position() > 0;
        }

        void onRead() throws IOException {
            if (in.read(buffer) > 0) {
                flush();
            }
        }

        void flush() throws IOException {
            buffer.flip();
            out.write(buffer);
            buffer.compact();
        }
    }

    /** The client's end: drives a {@link Client}. */
    static final class ClientSide {
        final Client client;
        final ByteBuffer inbound = ByteBuffer.allocateDirect(256 * 1024);
        Io in;
        Io out;

        ClientSide(Client client) {
            this.client = client;
        }

        boolean writable() {
            return client.wantsWrite();
        }

        void write() throws IOException {
            ByteBuffer b = client.toSend();
            int n = out.write(b);
            if (client instanceof Latency l) {
                l.sent(n);
            } else if (client instanceof Bulk bulk) {
                bulk.inFlight += n;
            }
        }

        void onRead() throws IOException {
            inbound.clear();
            int n = in.read(inbound);
            if (n > 0) {
                client.received(n, System.nanoTime());
                if (client.wantsWrite()) {
                    write(); // answer at once, as a real ping-pong peer does
                }
            }
        }
    }

    @FunctionalInterface
    interface Hook {
        void run() throws IOException;
    }

    @FunctionalInterface
    interface Want {
        boolean get();
    }

    static final class PipeIn extends FileDispatcher implements Io {
        private final Want want;
        private final Hook hook;

        PipeIn(int fd, ChannelMap map, Want want, Hook hook) throws PosixException {
            super(fd, map);
            this.want = want;
            this.hook = hook;
        }

        @Override
        public boolean readable() {
            return want.get();
        }

        @Override
        public boolean writable() {
            return false;
        }

        @Override
        protected void handleRead() throws IOException {
            hook.run();
        }

        @Override
        public int read(ByteBuffer b) throws IOException {
            return recv(b);
        }

        @Override
        public int write(ByteBuffer b) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void handleClose() {
            close();
        }
    }

    static final class PipeOut extends FileDispatcher implements Io {
        private final Want want;
        private final Hook hook;

        PipeOut(int fd, ChannelMap map, Want want, Hook hook) throws PosixException {
            super(fd, map);
            this.want = want;
            this.hook = hook;
        }

        @Override
        public boolean readable() {
            return false;
        }

        @Override
        public boolean writable() {
            return want.get();
        }

        @Override
        protected void handleWrite() throws IOException {
            hook.run();
        }

        @Override
        public int read(ByteBuffer b) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer b) throws IOException {
            return send(b);
        }

        @Override
        public void handleClose() {
            close();
        }
    }

    static final class Listener extends Dispatcher {
        Listener(ChannelMap map) {
            super(map);
        }

        @Override
        protected void handleAccepted(SocketChannel channel, SocketAddress address) throws IOException {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Echo echo = new Echo();
            TcpEcho d = new TcpEcho(channel, map(), echo);
            echo.in = d;
            echo.out = d;
        }
    }

    static final class TcpEcho extends Dispatcher implements Io {
        private final Echo echo;

        TcpEcho(SocketChannel channel, ChannelMap map, Echo echo) {
            super(channel, map);
            this.echo = echo;
        }

        @Override
        public boolean readable() {
            return echo.readable();
        }

        @Override
        public boolean writable() {
            return echo.writable();
        }

        @Override
        protected void handleRead() throws IOException {
            echo.onRead();
        }

        @Override
        protected void handleWrite() throws IOException {
            echo.flush();
        }

        @Override
        public int read(ByteBuffer b) throws IOException {
            return recv(b);
        }

        @Override
        public int write(ByteBuffer b) throws IOException {
            return send(b);
        }

        @Override
        public void handleClose() {
            close();
        }
    }

    static final class TcpClient extends Dispatcher implements Io {
        private final ClientSide side;

        TcpClient(ChannelMap map, ClientSide side) {
            super(map);
            this.side = side;
        }

        @Override
        public boolean writable() {
            return !connected || side.writable();
        }

        @Override
        protected void handleConnect() {
        }

        @Override
        protected void handleRead() throws IOException {
            side.onRead();
        }

        @Override
        protected void handleWrite() throws IOException {
            side.write();
        }

        @Override
        public int read(ByteBuffer b) throws IOException {
            return recv(b);
        }

        @Override
        public int write(ByteBuffer b) throws IOException {
            return send(b);
        }

        @Override
        public void handleClose() {
            close();
        }
    }
}
