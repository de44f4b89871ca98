package io.asyncore.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The stock echo server, run as users run it (module path, watermarks on, idle timeout of
 * five minutes), under the faults that leave a connection in an awkward state, phase after
 * phase. After every phase the server must hold exactly what it held before: the same
 * sockets, pipes, epoll and eventfd descriptors ({@code /proc/<pid>/fd}), and no TCP
 * connection but its listener ({@code /proc/<pid>/net/tcp}): a connection whose peer is
 * gone must not stay ESTABLISHED or CLOSE_WAIT on the server.
 *
 * <p>The faults aim at the watermarks. A client that sends without reading pauses the
 * server's reads once 256 KiB of echo wait; the server then reads nothing, so it could
 * only learn that the client left from its writes. The phases leave in each way a peer
 * can: a reset with unread data (close, SO_LINGER 0, a killed process), a close with an
 * empty receive buffer (its FIN queued behind data the paused server does not read), a
 * half-close before or while paused, a close in the middle of a message, a connection that
 * never sends.
 */
class EchoServerFdSoakIT {

    private static final int ROUNDS = 1;
    private static final int CLIENTS = 8;
    /** Clients that send until the server pauses: each costs the server a few MiB of buffers. */
    private static final int FLOODERS = 4;
    /**
     * More than the high watermark (256 KiB) plus what the socket buffers on both sides
     * hold (loopback buffers grow to several MiB).
     */
    private static final long FLOOD = 64L << 20;
    /** The clients' own socket buffers: small, so a paused server is reached sooner. */
    private static final int CLIENT_BUFFER = 64 * 1024;
    /** The bound for the server to settle after a phase; far above what it takes on a quiet machine. */
    private static final long SETTLE_SECONDS = 20;

    @Test
    void everyFaultGivesBackEveryDescriptor() throws Exception {
        try (ChildJvm server = ChildJvm.start("-p", ModulePathIT.modulePath(),
                "-m", "io.asyncore.examples/io.asyncore.examples.EchoServer", "127.0.0.1", "0")) {
            String listening = server.awaitLine(l -> l.startsWith("Echo server listening on "), 60);
            InetSocketAddress address = new InetSocketAddress("127.0.0.1",
                    Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1).trim()));
            Server s = new Server(server.pid(), address);
            // The first connection opens what serving needs for good (the listeners' own
            // selector among them): the baseline is taken once it is closed again.
            halfCloseFullEcho(s, 1, 1000);
            Map<String, Long> baseline = s.settledBaseline();
            for (int round = 0; round < ROUNDS; round++) { // more rounds for a longer soak by hand
                s.check(baseline, "paused readers that reset", () -> pausedThen(s, End.CLOSE));
                s.check(baseline, "paused readers that reset with SO_LINGER 0", () -> pausedThen(s, End.LINGER_ZERO));
                s.check(baseline, "paused readers that empty their buffer and close", () -> pausedThen(s, End.DRAIN_AND_CLOSE));
                s.check(baseline, "paused readers that half-close and stop", () -> pausedThen(s, End.HALF_CLOSE));
                s.check(baseline, "a killed process of paused readers", () -> killedProcess(s, false));
                s.check(baseline, "a killed process that emptied its buffers", () -> killedProcess(s, true));
                s.check(baseline, "half-close, then no reading", () -> halfCloseThenClose(s));
                s.check(baseline, "half-close with every byte read back", () -> halfCloseFullEcho(s, CLIENTS, 1 << 20));
                s.check(baseline, "closes mid-message", () -> midMessage(s));
                s.check(baseline, "connections that never send", () -> silentThenGone(s));
            }
            assertTrue(server.isAlive(), server.output());
            assertTrue(server.output().lines().noneMatch(l -> l.contains("Exception") || l.contains("SEVERE")),
                    server.output());
        }
    }

    private enum End { CLOSE, LINGER_ZERO, DRAIN_AND_CLOSE, HALF_CLOSE }

    /**
     * Clients send without reading until the server pauses (their sends stop being taken),
     * then leave in the given way.
     */
    private static void pausedThen(Server s, End end) throws Exception {
        List<SocketChannel> clients = s.connect(FLOODERS);
        for (SocketChannel c : clients) {
            flood(c);
        }
        s.awaitPaused(FLOODERS);
        for (SocketChannel c : clients) {
            switch (end) {
                case CLOSE -> c.close();
                case LINGER_ZERO -> {
                    c.setOption(StandardSocketOptions.SO_LINGER, 0);
                    c.close();
                }
                case DRAIN_AND_CLOSE -> {
                    // Nothing unread: the close sends a FIN, queued behind the data the
                    // paused server does not read; it learns from its next write.
                    ByteBuffer sink = ByteBuffer.allocate(1 << 20);
                    while (c.read(sink.clear()) > 0) {
                        // empty the receive buffer
                    }
                    c.close();
                }
                case HALF_CLOSE -> c.shutdownOutput();
            }
        }
        if (end == End.HALF_CLOSE) {
            Thread.sleep(100);
            for (SocketChannel c : clients) {
                c.close();
            }
        }
    }

    /**
     * Sends from a non-blocking client until it takes nothing for 100 ms: the socket
     * buffers on both sides are full and the server no longer reads (see
     * {@link Server#awaitPaused}).
     */
    private static void flood(SocketChannel c) throws Exception {
        c.configureBlocking(false);
        ByteBuffer data = ByteBuffer.allocate(256 * 1024);
        long sent = 0;
        int stalls = 0;
        while (sent < FLOOD && stalls < 10) {
            int n = c.write(data.clear());
            sent += n;
            if (n == 0) {
                stalls++;
                Thread.sleep(10);
            } else {
                stalls = 0;
            }
        }
        assertTrue(sent < FLOOD, "the server never paused reading: it took " + sent + " bytes unread");
    }

    /**
     * A client process with connections that send without reading (and, with
     * {@code drained}, keep emptying their receive buffers), killed with SIGKILL.
     */
    private static void killedProcess(Server s, boolean drained) throws Exception {
        String script = "import socket,time\n"
                + "s=[socket.create_connection(('127.0.0.1'," + s.address.getPort() + ")) for i in range(" + FLOODERS + ")]\n"
                + "for c in s: c.setblocking(False)\n"
                + "end=time.time()+0.3\n"
                + "while time.time()<end:\n"
                + "  for c in s:\n"
                + "    try: c.send(b'x'*65536)\n"
                + "    except BlockingIOError: pass\n"
                + (drained ? "    try:\n      while c.recv(1<<20): pass\n    except BlockingIOError: pass\n" : "")
                + "print('ready',flush=True)\n"
                + "time.sleep(60)\n";
        Process p = new ProcessBuilder("python3", "-c", script).redirectErrorStream(true).start();
        try (InputStream out = p.getInputStream()) {
            assertEquals('r', out.read(), "the client process did not start");
            if (!drained) {
                s.awaitPaused(FLOODERS);
            }
        } finally {
            p.destroyForcibly().waitFor();
            p.getOutputStream().close();
        }
    }

    /** Clients send until the server pauses, half-close, read a little and close with the rest unread. */
    private static void halfCloseThenClose(Server s) throws Exception {
        List<SocketChannel> clients = s.connect(FLOODERS);
        for (SocketChannel c : clients) {
            flood(c);
            c.shutdownOutput();
        }
        for (SocketChannel c : clients) {
            c.read(ByteBuffer.allocate(64 * 1024));
            c.close();
        }
    }

    /** Clients send {@code bytes}, half-close and read until the server closes: all must come back. */
    private static void halfCloseFullEcho(Server s, int n, int bytes) throws IOException {
        for (SocketChannel c : s.connect(n)) {
            try (c) {
                c.socket().setSoTimeout(30_000);
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        // A write may return early (the timed read below makes the socket
                        // non-blocking underneath): loop until all is written.
                        ByteBuffer data = ByteBuffer.allocate(bytes);
                        while (data.hasRemaining()) {
                            c.write(data);
                        }
                        c.shutdownOutput();
                    } catch (IOException e) {
                        // the read below comes up short and says so
                    }
                });
                InputStream in = c.socket().getInputStream();
                byte[] sink = new byte[64 * 1024];
                long got = 0;
                for (int r; (r = in.read(sink)) >= 0; ) {
                    got += r;
                }
                writer.join();
                assertEquals(bytes, got, "bytes echoed before the server closed a half-closed connection");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    /** Clients close in the middle of an echo they are sending. */
    private static void midMessage(Server s) throws IOException {
        List<SocketChannel> clients = s.connect(CLIENTS);
        for (SocketChannel c : clients) {
            c.configureBlocking(false);
            c.write(ByteBuffer.allocate(100_000));
        }
        for (SocketChannel c : clients) {
            c.close();
        }
    }

    /** Clients connect, send nothing, and go: some close, some reset. */
    private static void silentThenGone(Server s) throws IOException {
        List<SocketChannel> clients = s.connect(CLIENTS);
        for (int i = 0; i < clients.size(); i++) {
            if (i % 2 == 1) {
                clients.get(i).setOption(StandardSocketOptions.SO_LINGER, 0);
            }
            clients.get(i).close();
        }
    }

    private interface Phase {
        void run() throws Exception;
    }

    /** The server process seen from outside: its descriptors and its TCP connections. */
    private static final class Server {
        final long pid;
        final InetSocketAddress address;

        Server(long pid, InetSocketAddress address) {
            this.pid = pid;
            this.address = address;
        }

        List<SocketChannel> connect(int n) throws IOException {
            List<SocketChannel> clients = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                SocketChannel c = SocketChannel.open();
                c.setOption(StandardSocketOptions.SO_RCVBUF, CLIENT_BUFFER);
                c.setOption(StandardSocketOptions.SO_SNDBUF, CLIENT_BUFFER);
                c.connect(address);
                clients.add(c);
            }
            return clients;
        }

        /** The descriptors once the server holds no connection but its listener. */
        Map<String, Long> settledBaseline() throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
            while (!connections().isEmpty()) {
                if (System.nanoTime() - end > 0) {
                    throw new AssertionError("the warm-up connection stays open: " + connections());
                }
                Thread.sleep(20);
            }
            return descriptorKinds();
        }

        void check(Map<String, Long> baseline, String name, Phase phase) throws Exception {
            long start = System.nanoTime();
            phase.run();
            long ran = System.nanoTime();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
            Map<String, Long> now;
            List<String> connections;
            while (!(now = descriptorKinds()).equals(baseline) || !(connections = connections()).isEmpty()) {
                if (System.nanoTime() - end > 0) {
                    throw new AssertionError("after " + name + " the server holds " + now + " (baseline " + baseline
                            + ") and these connections: " + connections());
                }
                Thread.sleep(20);
            }
            System.out.printf("fd soak: %s: %d ms, back to %s after %d ms%n", name, (ran - start) / 1_000_000,
                    baseline, (System.nanoTime() - ran) / 1_000_000);
        }

        /** The server's descriptors by kind: sockets, pipes, epoll and eventfd; files not counted. */
        Map<String, Long> descriptorKinds() throws IOException {
            Map<String, Long> kinds = new TreeMap<>();
            for (String target : descriptorTargets()) {
                if (!target.startsWith("/")) {
                    kinds.merge(target.replaceAll("\\[\\d+\\]", ""), 1L, Long::sum);
                }
            }
            return kinds;
        }

        private List<String> descriptorTargets() throws IOException {
            List<String> targets = new ArrayList<>();
            try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                for (Path fd : (Iterable<Path>) fds::iterator) {
                    try {
                        targets.add(Files.readSymbolicLink(fd).toString());
                    } catch (IOException e) {
                        // closed meanwhile
                    }
                }
            }
            return targets;
        }

        /**
         * Waits until at least {@code n} of the server's connections hold received bytes
         * it does not read: the same non-zero receive queue 100 ms apart. The echo reads
         * whenever it may, so that is its watermark pause.
         */
        void awaitPaused(int n) throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
            while (true) {
                Map<String, String> before = receiveQueues();
                Thread.sleep(100);
                Map<String, String> after = receiveQueues();
                long paused = after.entrySet().stream()
                        .filter(e -> !e.getValue().equals("00000000") && e.getValue().equals(before.get(e.getKey())))
                        .count();
                if (paused >= n) {
                    return;
                }
                if (System.nanoTime() - end > 0) {
                    throw new AssertionError("the server did not pause reading from " + n + " clients: " + after);
                }
            }
        }

        /** Per established connection of the server (local and remote address), its receive queue in hex. */
        private Map<String, String> receiveQueues() throws IOException {
            Map<String, String> queues = new TreeMap<>();
            for (String[] f : tcpRows()) {
                if (f[3].equals("01")) {
                    queues.put(f[1] + " " + f[2], f[4].substring(f[4].indexOf(':') + 1));
                }
            }
            return queues;
        }

        /**
         * The server's TCP sockets other than listeners, as "local remote STATE": from the
         * kernel's table ({@code /proc/<pid>/net/tcp} and {@code tcp6}), matched by inode
         * to the server's descriptors.
         */
        List<String> connections() throws IOException {
            List<String> found = new ArrayList<>();
            for (String[] f : tcpRows()) {
                found.add(f[1] + " " + f[2] + " " + tcpState(f[3]));
            }
            return found;
        }

        /** The kernel's rows (split into fields) of the server's TCP sockets, listeners left out. */
        private List<String[]> tcpRows() throws IOException {
            List<String> inodes = new ArrayList<>();
            for (String target : descriptorTargets()) {
                if (target.startsWith("socket:[")) {
                    inodes.add(target.substring(8, target.length() - 1));
                }
            }
            List<String[]> rows = new ArrayList<>();
            for (String table : new String[] {"tcp", "tcp6"}) {
                Path file = Path.of("/proc", Long.toString(pid), "net", table);
                if (!Files.exists(file)) {
                    continue;
                }
                for (String line : Files.readAllLines(file)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length >= 10 && inodes.contains(f[9]) && !f[3].equals("0A")) { // 0A: LISTEN
                        rows.add(f);
                    }
                }
            }
            return rows;
        }

        private static String tcpState(String hex) {
            return switch (hex) {
                case "01" -> "ESTABLISHED";
                case "02" -> "SYN_SENT";
                case "03" -> "SYN_RECV";
                case "04" -> "FIN_WAIT1";
                case "05" -> "FIN_WAIT2";
                case "06" -> "TIME_WAIT";
                case "07" -> "CLOSE";
                case "08" -> "CLOSE_WAIT";
                case "09" -> "LAST_ACK";
                case "0B" -> "CLOSING";
                default -> "state " + hex;
            };
        }
    }
}
