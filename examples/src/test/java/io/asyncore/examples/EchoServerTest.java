package io.asyncore.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.EventLoop;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The echo example over real loopback connections, served by a loop on another thread. */
class EchoServerTest {

    private static final int MIB = 1 << 20;

    @AfterEach
    void emptyDefaultMap() {
        Asyncore.closeAll();
    }

    @Test
    void echoesOneMebibyteOfRandomBytesUnchanged() throws Exception {
        byte[] payload = new byte[MIB];
        new Random(20261123).nextBytes(payload);
        try (EventLoop loop = EventLoop.start("echo-example-test")) {
            EchoServer server = new EchoServer("127.0.0.1", 0, loop.map());
            server.addChannel(); // made on this thread: joins once complete
            InetSocketAddress address = (InetSocketAddress) server.localAddress();

            try (Socket socket = connect(address)) {
                byte[] echoed = exchange(socket, payload);

                assertArrayEquals(payload, echoed, "the echo must return every byte, in order");
                // The handler made in handleAccepted joined the server's map, not the default one.
                assertEquals(2, onLoop(loop, () -> loop.map().size()), "server and its accepted handler");
                assertTrue(ChannelMap.defaultMap().isEmpty(), "nothing may leak into the default map");
            }
        }
    }

    @Test
    void servesSeveralClientsOneAfterAnother() throws Exception {
        try (EventLoop loop = EventLoop.start("echo-example-test")) {
            EchoServer server = new EchoServer("127.0.0.1", 0, loop.map());
            server.addChannel(); // made on this thread: joins once complete
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            Random random = new Random(7);
            for (int i = 0; i < 5; i++) {
                byte[] payload = new byte[1 + random.nextInt(100_000)];
                random.nextBytes(payload);
                assertArrayEquals(payload, exchange(address, payload), "client " + i);
            }
            // Closed clients are noticed at the handlers' next read: at most the server remains.
            assertTrue(onLoop(loop, () -> loop.map().contains(server)), "the server keeps listening");
        }
    }

    @Test
    void pythonShapedLoopOverTheDefaultMapEndsWhenTheMapEmpties() throws Exception {
        // EchoServer(host, port) then Asyncore.loop(), as in Python, on a background thread.
        // This server stops listening after one connection, so once the client hangs up
        // the default map is empty and loop() returns by itself.
        EchoServer server = new EchoServer("127.0.0.1", 0) {
            @Override
            protected void handleAccepted(SocketChannel sock, SocketAddress addr) {
                super.handleAccepted(sock, addr);
                close();
            }
        };
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        Thread loop = new Thread(() -> Asyncore.loop(Duration.ofMillis(200)), "python-shaped-loop");
        loop.start();
        byte[] payload = "hello, asyncore\n".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(payload, exchange(address, payload));
        loop.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(loop.isAlive(), "Asyncore.loop() must return once its map is empty");
        assertTrue(ChannelMap.defaultMap().isEmpty());
    }

    @Test
    void aServerThatCannotBindSaysWhereAndLeavesNothingInTheMap() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            BindException e = assertThrows(BindException.class,
                    () -> new EchoServer("127.0.0.1", taken.getLocalPort()));
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
            assertTrue(ChannelMap.defaultMap().isEmpty(), "the failed server must not stay in the default map");
        }
    }

    /** Connects, exchanges {@code payload} with the echo, and hangs up. */
    static byte[] exchange(InetSocketAddress address, byte[] payload) throws Exception {
        try (Socket socket = connect(address)) {
            return exchange(socket, payload);
        }
    }

    static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, 10_000);
            socket.setSoTimeout(30_000);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Writes {@code payload} on a thread of its own (never a shared pool, whose few threads
     * may all be blocked reading) while reading its echo on this one.
     */
    static byte[] exchange(Socket socket, byte[] payload) throws Exception {
        CompletableFuture<Void> written = new CompletableFuture<>();
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                out.write(payload);
                out.flush();
                written.complete(null);
            } catch (IOException | RuntimeException e) {
                written.completeExceptionally(e);
            }
        }, "echo-test-writer");
        writer.start();
        try {
            byte[] echoed = new byte[payload.length];
            new DataInputStream(socket.getInputStream()).readFully(echoed);
            written.get(30, TimeUnit.SECONDS);
            return echoed;
        } finally {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private static <T> T onLoop(EventLoop loop, Supplier<T> query) throws Exception {
        CompletableFuture<T> answer = new CompletableFuture<>();
        loop.execute(() -> answer.complete(query.get()));
        return answer.get(30, TimeUnit.SECONDS);
    }
}
