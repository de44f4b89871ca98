package io.asyncore.tls.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.DispatcherWithSend;
import io.asyncore.EventLoop;
import io.asyncore.tls.HandshakeListener;
import io.asyncore.tls.TlsConfig;
import io.asyncore.tls.TlsLayer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Many connections at once, and bytes that arrive exactly as sent however they are cut:
 * our TLS client and server, both on real loopback sockets.
 */
class ScaleAndSplitTest {

    @Test
    void thousandConcurrentTlsConnectionsEcho() throws Exception {
        int count = 1000;
        try (EventLoop serverLoop = EventLoop.start("tls-scale-server"); EventLoop clientLoop = EventLoop.start("tls-scale-clients")) {
            EchoServer server = OnLoop.call(serverLoop, () -> new EchoServer(serverLoop.map(),
                    Certs.server().handshakeTimeout(null).build()));
            TlsConfig config = Certs.client().handshakeTimeout(null).build();
            List<LineClient> clients = new ArrayList<>();
            for (int batch = 0; batch < count; batch += 100) {
                int first = batch;
                List<LineClient> made = OnLoop.call(clientLoop, () -> {
                    List<LineClient> these = new ArrayList<>();
                    for (int i = first; i < first + 100; i++) {
                        these.add(new LineClient(clientLoop.map(), config, "localhost", server.port(), "client " + i + "\n"));
                    }
                    return these;
                });
                for (int i = 0; i < made.size(); i++) { // spreads the handshakes; every connection stays open
                    LineClient c = made.get(i);
                    assertEquals("client " + (first + i), c.lines.poll(30, TimeUnit.SECONDS), () -> "errors " + c.errors);
                }
                clients.addAll(made);
            }
            // All 1,000 are open at once now: every one echoes again, all in flight together.
            OnLoop.call(clientLoop, () -> {
                for (int i = 0; i < count; i++) {
                    clients.get(i).push(("again " + i + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                }
                return null;
            });
            for (int i = 0; i < count; i++) {
                LineClient c = clients.get(i);
                assertEquals("again " + i, c.lines.poll(30, TimeUnit.SECONDS), () -> "errors " + c.errors);
                assertTrue(!c.closed);
            }
            assertEquals(count, server.handshakes.get());
            assertTrue(server.errors().isEmpty(), () -> server.errors().toString());
        }
    }

    /** Sends a payload in random pieces once the handshake is done; reads with random sizes. */
    static final class SplitClient extends DispatcherWithSend implements HandshakeListener {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final List<Throwable> errors = new ArrayList<>();
        private final byte[] payload;
        private final Random random;

        SplitClient(ChannelMap map, TlsConfig config, int port, byte[] payload, Random random) throws IOException {
            super(map);
            this.payload = payload;
            this.random = random;
            createSocket(AddressFamily.INET);
            TlsLayer.client(this, config, "localhost", port);
            connect(new InetSocketAddress("127.0.0.1", port));
        }

        @Override
        protected void handleConnect() {
        }

        @Override
        public void handleHandshake(TlsLayer tls) throws IOException {
            for (int at = 0; at < payload.length; ) {
                int n = Math.min(payload.length - at, 1 + random.nextInt(random.nextBoolean() ? 50 : 40_000));
                send(java.util.Arrays.copyOfRange(payload, at, at + n));
                at += n;
            }
        }

        @Override
        protected void handleRead() throws IOException {
            byte[] data = recv(1 + random.nextInt(random.nextBoolean() ? 30 : 30_000));
            received.writeBytes(data);
        }

        @Override
        public void handleError(Throwable error) {
            errors.add(error);
            close();
        }
    }

    /** Echoes with random read sizes, so records and sends are cut differently on the way back. */
    static final class SplitServer extends Dispatcher {
        private final TlsConfig config = Certs.server().build();
        private final Random random;

        SplitServer(ChannelMap map, Random random) throws IOException {
            super(map);
            this.random = random;
            createSocket(AddressFamily.INET);
            bind(new InetSocketAddress("127.0.0.1", 0));
            listen(5);
        }

        @Override
        protected void handleAccepted(SocketChannel channel, SocketAddress address) {
            DispatcherWithSend echo = new DispatcherWithSend(channel) {
                @Override
                protected void handleRead() throws IOException {
                    byte[] data = recv(1 + random.nextInt(random.nextBoolean() ? 20 : 20_000));
                    if (data.length > 0) {
                        send(data);
                    }
                }

                @Override
                public void handleClose() {
                    close();
                }
            };
            TlsLayer.server(echo, config);
        }
    }

    @Property(tries = 12)
    void bytesSurviveRandomSplitsBothWays(@ForAll @IntRange(min = 0, max = 400_000) int size, @ForAll long seed) throws Exception {
        Random random = new Random(seed);
        byte[] payload = new byte[size];
        random.nextBytes(payload);
        try (EventLoop loop = EventLoop.start("tls-split")) {
            SplitServer server = OnLoop.call(loop, () -> new SplitServer(loop.map(), new Random(seed + 1)));
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            SplitClient client = OnLoop.call(loop, () -> new SplitClient(loop.map(), Certs.client().build(), port, payload, random));
            long deadline = System.currentTimeMillis() + Peer.WAIT_MS;
            while (OnLoop.call(loop, () -> client.received.size()) < size && client.errors.isEmpty()
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(client.errors.isEmpty(), client.errors::toString);
            assertArrayEquals(payload, OnLoop.call(loop, () -> client.received.toByteArray()));
        }
    }
}
