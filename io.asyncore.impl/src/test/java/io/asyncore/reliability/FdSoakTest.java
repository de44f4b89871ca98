package io.asyncore.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.Descriptors;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One echo server (in a child JVM, so its descriptors are its own) under a mix of
 * faults, phase after phase: slow readers, resets (SO_LINGER 0), half-closes, closes in
 * the middle of a message, and a client process killed with its connections open. After
 * every phase the server's open descriptors ({@code /proc/<pid>/fd}) must come back to
 * the baseline: a connection the server does not release shows up as one more socket.
 */
@ExtendWith(NoLeaks.class)
class FdSoakTest {

    private static final int ROUNDS = 2;
    private static final int CLIENTS = 40;

    @Test
    void everyFaultGivesBackEveryDescriptor() throws Exception {
        try (Child child = Child.start(4096, 128)) {
            Long listening = descriptorKinds(child).get("socket:");
            halfClose(child, 1, 1); // warm-up: the first connection loads what serving needs
            // the baseline once the warm-up connection is closed on the server side too
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Map<String, Long> baseline;
            while (!java.util.Objects.equals((baseline = descriptorKinds(child)).get("socket:"), listening)) {
                if (System.nanoTime() - end > 0) {
                    throw new AssertionError("the warm-up connection stays open: " + baseline);
                }
                Thread.sleep(20);
            }
            for (int round = 0; round < ROUNDS; round++) {
                checkPhase(child, baseline, "slow readers", () -> slowReaders(child));
                checkPhase(child, baseline, "resets", () -> resets(child));
                checkPhase(child, baseline, "half-closes", () -> halfClose(child, CLIENTS, 64 * 1024));
                checkPhase(child, baseline, "mid-message closes", () -> midMessage(child));
                checkPhase(child, baseline, "killed client process", () -> killedClients(child));
            }
            assertTrue(child.process.isAlive(), "the server survived: " + child.stderr());
        }
    }

    /**
     * Connections that arrive while a group shuts down: accepted on one loop and handed to
     * another that is closing, or queued as its task. Each one is closed by someone; once
     * the clients are gone this process holds no more sockets than before.
     */
    @Test
    void connectionsArrivingWhileAGroupClosesAreAllClosed() throws Exception {
        long socketsBefore = Descriptors.socketCount();
        for (int round = 0; round < 5; round++) {
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            List<SocketChannel> clients = java.util.Collections.synchronizedList(new ArrayList<>());
            io.asyncore.EventLoopGroup group = io.asyncore.EventLoopGroup.start("closing", 2);
            java.net.SocketAddress address = group.listen(new java.net.InetSocketAddress("127.0.0.1", 0), 128,
                    io.asyncore.EventLoopGroup.Accepting.HAND_OFF, c -> new Echo.Handler(c, null)).get(0).localAddress();
            Thread connector = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        clients.add(SocketChannel.open(address));
                    } catch (IOException e) {
                        return; // the listener is gone
                    }
                }
            }, "connector");
            connector.start();
            Thread.sleep(100 + 50 * round);
            group.close();
            stop.set(true);
            connector.join(10_000);
            synchronized (clients) {
                for (SocketChannel c : clients) {
                    c.close();
                }
            }
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long now;
        while ((now = Descriptors.socketCount()) > socketsBefore) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("sockets left open after the groups closed: " + (now - socketsBefore));
            }
            Thread.sleep(20);
        }
    }

    /**
     * A listener's first pass opens every descriptor serving it needs (the engine's
     * selector, and the small selector that watches listeners during long passes): a
     * count taken then is the count whenever the server holds no connection, not two
     * lower than after the first accepted connection.
     */
    @Test
    void aListenerHoldsFromItsFirstPassWhatItHoldsAfterServing() throws Exception {
        ChannelMap map = new ChannelMap("first-pass");
        try {
            Echo.Server server = new Echo.Server(map);
            Asyncore.loop(Duration.ZERO, false, map, 1);
            Map<String, Long> first = ownDescriptorKinds();
            try (SocketChannel client = SocketChannel.open(server.address())) {
                Await.passesUntil(map, "the connection is accepted", () -> map.size() == 2);
                client.write(ByteBuffer.wrap(new byte[] {42}));
                ByteBuffer echo = ByteBuffer.allocate(1);
                client.configureBlocking(false);
                Await.passesUntil(map, "the byte comes back", () -> readSome(client, echo));
            }
            Await.passesUntil(map, "the connection is closed", () -> map.size() == 1);
            Asyncore.loop(Duration.ZERO, false, map, 1); // the selector lets the closed channel's descriptor go
            assertEquals(first, ownDescriptorKinds(), "descriptors after one connection, against those after the first pass");
        } finally {
            Asyncore.closeAll(map, true);
        }
    }

    private static boolean readSome(SocketChannel c, ByteBuffer into) {
        try {
            return c.read(into) != 0;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** This process's sockets, pipes, epoll and eventfd descriptors by kind. */
    private static Map<String, Long> ownDescriptorKinds() throws IOException {
        return descriptorKinds(Path.of("/proc/self/fd"));
    }

    private interface Phase {
        void run() throws Exception;
    }

    private static void checkPhase(Child child, Map<String, Long> baseline, String name, Phase phase) throws Exception {
        phase.run();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Map<String, Long> now;
        while (!(now = descriptorKinds(child)).equals(baseline)) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("after " + name + " the server holds " + now + ", baseline " + baseline);
            }
            Thread.sleep(20);
        }
        System.out.printf("fd soak: %s: back to %s%n", name, baseline);
    }

    /**
     * Counts the child's descriptors by what they point at: sockets, pipes, epoll and
     * eventfd entries. Files (jars, the runtime image) opened by class loading are not
     * counted.
     */
    private static Map<String, Long> descriptorKinds(Child child) throws IOException {
        return descriptorKinds(Path.of("/proc", Long.toString(child.process.pid()), "fd"));
    }

    private static Map<String, Long> descriptorKinds(Path fdDirectory) throws IOException {
        Map<String, Long> kinds = new TreeMap<>();
        try (var fds = Files.list(fdDirectory)) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString().replaceAll("\\[\\d+\\]", "");
                } catch (IOException e) {
                    continue; // closed meanwhile
                }
                if (!target.startsWith("/")) {
                    kinds.merge(target, 1L, Long::sum);
                }
            }
        }
        return kinds;
    }

    private static List<SocketChannel> connect(Child child, int n) throws IOException {
        List<SocketChannel> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clients.add(SocketChannel.open(child.address()));
        }
        return clients;
    }

    /** Send far more than they read, so the server's output queues up, then go away. */
    private static void slowReaders(Child child) throws Exception {
        List<SocketChannel> clients = connect(child, CLIENTS);
        ByteBuffer data = ByteBuffer.allocate(256 * 1024);
        for (SocketChannel c : clients) {
            c.configureBlocking(false);
            c.write(data.clear()); // as much as the socket takes; nothing is read
        }
        Thread.sleep(300);
        for (SocketChannel c : clients) {
            c.close();
        }
    }

    /** Send, then reset the connection (SO_LINGER 0) while the echo is on its way. */
    private static void resets(Child child) throws IOException {
        for (SocketChannel c : connect(child, CLIENTS)) {
            c.write(ByteBuffer.allocate(32 * 1024));
            c.setOption(StandardSocketOptions.SO_LINGER, 0);
            c.close();
        }
    }

    /** Send {@code bytes}, shut the write side, read until the server closes, then close. */
    private static void halfClose(Child child, int n, int bytes) throws IOException {
        for (SocketChannel c : connect(child, n)) {
            c.socket().setSoTimeout(10_000);
            c.write(ByteBuffer.allocate(bytes));
            c.shutdownOutput();
            var in = c.socket().getInputStream();
            byte[] sink = new byte[64 * 1024];
            while (in.read(sink) >= 0) {
                // drain until the server closes its side
            }
            c.close();
        }
    }

    /** Close in the middle of a message the server is echoing. */
    private static void midMessage(Child child) throws IOException {
        List<SocketChannel> clients = connect(child, CLIENTS);
        for (SocketChannel c : clients) {
            c.configureBlocking(false);
            c.write(ByteBuffer.allocate(100_000));
        }
        for (SocketChannel c : clients) {
            c.close();
        }
    }

    /** A client process with connections sending at full speed, killed with SIGKILL. */
    private static void killedClients(Child child) throws Exception {
        String script = "import socket,time\n"
                + "s=[socket.create_connection(('127.0.0.1'," + child.port + ")) for i in range(" + CLIENTS + ")]\n"
                + "for c in s: c.setblocking(False)\n"
                + "print('ready',flush=True)\n"
                + "while True:\n"
                + "  for c in s:\n"
                + "    try: c.send(b'x'*65536)\n"
                + "    except BlockingIOError: pass\n";
        Process p = new ProcessBuilder("python3", "-c", script).redirectErrorStream(true).start();
        try {
            int first = p.getInputStream().read();
            assertTrue(first == 'r', "the client process did not start");
            Thread.sleep(200);
        } finally {
            p.destroyForcibly().waitFor();
            p.getInputStream().close();
            p.getOutputStream().close();
        }
    }
}
