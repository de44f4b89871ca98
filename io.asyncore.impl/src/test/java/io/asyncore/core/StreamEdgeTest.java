package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.LogCapture;
import io.asyncore.testkit.NoLeaks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stream edges Python's asyncore handles: nothing to read after a readable event, a
 * refused connect, a peer that resets, a peer that half-closes.
 */
@ExtendWith(NoLeaks.class)
class StreamEdgeTest {

    private final ChannelMap map = new ChannelMap("stream-edges");
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> peers = new CopyOnWriteArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void tearDown() throws Exception {
        Asyncore.closeAll(map, true);
        for (AutoCloseable p : peers) {
            p.close();
        }
    }

    /** Records its hooks in {@link #events}; reads with recv(int) into {@link #got}. */
    class Recorder extends Dispatcher {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();

        Recorder() {
            super(map);
        }

        Recorder(SocketChannel channel) {
            super(channel, map);
        }

        @Override public boolean writable() { return !isConnected(); }
        @Override protected void handleConnect() { events.add("connect"); }

        @Override
        protected void handleRead() throws IOException {
            byte[] data = recv(1024);
            if (data.length > 0) {
                events.add("read " + data.length);
                got.writeBytes(data);
            }
        }

        @Override
        public void handleClose() {
            events.add("close");
            close();
        }

        @Override
        public void handleError(Throwable error) {
            events.add("error " + error.getClass().getSimpleName());
            errors.add(error);
            super.handleError(error);
        }
    }

    /** A listener that wraps each connection in a {@link Recorder}. */
    class Listener extends Dispatcher {
        volatile Recorder accepted;

        Listener() throws IOException {
            super(map);
            createSocket(AddressFamily.INET);
            bind(new InetSocketAddress("127.0.0.1", 0));
            listen(5);
        }

        @Override
        protected void handleAccepted(SocketChannel channel, SocketAddress address) {
            accepted = new Recorder(channel);
        }
    }

    private Socket plainClient(SocketAddress to) throws IOException {
        Socket s = new Socket();
        peers.add(s);
        s.connect(to, (int) Await.LIMIT.toMillis());
        s.setSoTimeout((int) Await.LIMIT.toMillis());
        return s;
    }

    @Test
    void recvAfterAReadableEventWithNothingLeftReturnsEmptyAndDoesNotClose() throws IOException {
        Listener server = new Listener();
        Socket peer = plainClient(server.localAddress());
        Await.passesUntil(map, "accepted", () -> server.accepted != null);
        Recorder r = server.accepted;
        Dispatcher reader = r;
        peer.getOutputStream().write("abc".getBytes());
        Await.passesUntil(map, "data read", () -> r.got.size() == 3);
        // Python's recv raises EWOULDBLOCK here; Java's recv says "nothing now" with an empty
        // array (or 0 for the buffer form) and leaves the connection alone.
        assertEquals(0, reader.recv(16).length);
        assertEquals(0, reader.recv(ByteBuffer.allocate(16)));
        assertFalse(reader.isClosed());
        assertFalse(events.contains("close"));
        peer.getOutputStream().write("def".getBytes());
        Await.passesUntil(map, "more data", () -> r.got.size() == 6);
        assertEquals("abcdef", r.got.toString());
        assertEquals(List.of(), r.errors);
    }

    @Test
    void readableEventWhoseDataAnotherHookAlreadyTookIsHarmless() throws IOException {
        // Two reads in one handle_read: the second finds nothing (EWOULDBLOCK).
        Listener server = new Listener();
        Socket peer = plainClient(server.localAddress());
        Await.passesUntil(map, "accepted", () -> server.accepted != null);
        List<Integer> lengths = new CopyOnWriteArrayList<>();
        Dispatcher twice = new Dispatcher(map) {
            @Override public boolean writable() { return false; }

            @Override
            protected void handleRead() throws IOException {
                lengths.add(recv(1024).length);
                lengths.add(recv(1024).length);
            }
        };
        // swap the recorder's socket into a double reader
        SocketChannel channel = (SocketChannel) server.accepted.channel();
        server.accepted.delChannel();
        twice.setSocket(channel, map);
        peer.getOutputStream().write("xyz".getBytes());
        Await.passesUntil(map, "read", () -> lengths.size() >= 2);
        assertEquals(List.of(3, 0), lengths.subList(0, 2));
        assertFalse(twice.isClosed());
    }

    @Test
    void recvIntoABufferReturnsMinusOneAtEndOfStreamAndCloses() throws IOException {
        Listener server = new Listener();
        Socket peer = plainClient(server.localAddress());
        Await.passesUntil(map, "accepted", () -> server.accepted != null);
        SocketChannel channel = (SocketChannel) server.accepted.channel();
        server.accepted.delChannel();
        List<Integer> results = new CopyOnWriteArrayList<>();
        Dispatcher d = new Dispatcher(map) {
            @Override public boolean writable() { return false; }

            @Override
            protected void handleRead() throws IOException {
                results.add(recv(ByteBuffer.allocate(64)));
            }

            @Override
            public void handleClose() {
                events.add("close");
                close();
            }
        };
        d.setSocket(channel, map);
        peer.getOutputStream().write("hi".getBytes());
        peer.close();
        Await.passesUntil(map, "end of stream", () -> events.contains("close"));
        assertEquals(List.of(2, -1), results);
        assertTrue(d.isClosed());
        assertEquals(List.of("close"), events);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void refusedConnectReachesHandleErrorThenHandleClose(String host) throws IOException {
        SocketAddress nobody;
        try (ServerSocket gone = new ServerSocket()) {
            gone.bind(new InetSocketAddress(host, 0));
            nobody = gone.getLocalSocketAddress();
        }
        Recorder client = new Recorder();
        client.createSocket(host.contains(":") ? AddressFamily.INET6 : AddressFamily.INET);
        try (LogCapture log = LogCapture.dispatcher()) {
            client.connect(nobody);
            assertTrue(client.isConnecting());
            Await.passesUntil(map, "refused", () -> events.contains("close"));
            assertEquals(1, log.records().size(), "handle_error logged the refusal: " + log.messages());
        }
        // Python: handle_connect_event raises ECONNREFUSED (not a disconnect errno), so
        // handle_error runs, which logs and calls handle_close.
        assertEquals(List.of("error ConnectException", "close"), events);
        assertInstanceOf(ConnectException.class, client.errors.get(0));
        assertTrue(client.isClosed());
        assertFalse(client.isConnected());
    }

    @Test
    void refusedUnixDomainConnectThrowsAtOnce() throws IOException {
        Recorder client = new Recorder();
        client.createSocket(AddressFamily.UNIX);
        SocketAddress nobody = UnixDomainSocketAddress.of(tmp.resolve("nobody"));
        // Unix-domain connects complete or fail inside connect(), as Python's connect_ex
        assertThrows(IOException.class, () -> client.connect(nobody));
        assertEquals(List.of(), events);
        assertFalse(client.isConnected());
    }

    @Test
    void peerResetLeadsToHandleCloseNotHandleError() throws IOException {
        Listener server = new Listener();
        Socket peer = plainClient(server.localAddress());
        Await.passesUntil(map, "accepted", () -> server.accepted != null);
        Recorder r = server.accepted;
        peer.getOutputStream().write("last words".getBytes());
        peer.setSoLinger(true, 0);
        peer.close(); // RST
        Await.passesUntil(map, "reset seen", () -> events.contains("close"));
        assertEquals(List.of(), r.errors, "a reset is a disconnect, not an error");
        assertTrue(r.isClosed());
        assertEquals("close", events.get(events.size() - 1));
    }

    @Test
    void peerResetSeenBySendLeadsToHandleClose() throws IOException {
        try (ServerSocket plain = new ServerSocket()) {
            plain.bind(new InetSocketAddress("127.0.0.1", 0));
            List<Integer> sent = new CopyOnWriteArrayList<>();
            Recorder client = new Recorder() {
                @Override public boolean readable() { return false; }
                @Override public boolean writable() { return true; }

                @Override
                protected void handleWrite() throws IOException {
                    sent.add(send(new byte[4096]));
                }
            };
            client.createSocket(AddressFamily.INET);
            client.connect(plain.getLocalSocketAddress());
            try (Socket accepted = plain.accept()) {
                Await.passesUntil(map, "connected", () -> !sent.isEmpty());
                accepted.setSoLinger(true, 0);
            } // RST
            Await.passesUntil(map, "reset seen by send", () -> events.contains("close"));
            assertEquals(List.of(), client.errors);
            assertTrue(client.isClosed());
            assertEquals(0, (int) sent.get(sent.size() - 1), "send answers 0 when the peer is gone");
        }
    }

    @Test
    void halfCloseEndsTheStreamAfterTheData() throws IOException {
        Listener server = new Listener();
        Socket peer = plainClient(server.localAddress());
        Await.passesUntil(map, "accepted", () -> server.accepted != null);
        Recorder r = server.accepted;
        peer.getOutputStream().write("hello".getBytes());
        peer.shutdownOutput();
        Await.passesUntil(map, "end of stream", () -> events.contains("close"));
        assertArrayEquals("hello".getBytes(), r.got.toByteArray());
        assertEquals(1, events.stream().filter("close"::equals).count(), "handle_close once: " + events);
        assertEquals("close", events.get(events.size() - 1));
        assertEquals(List.of(), r.errors);
        // our close reaches the peer as the end of its stream
        InputStream in = peer.getInputStream();
        assertEquals(-1, in.read());
    }

    @Test
    void aCreatedSocketThatNeitherConnectsNorListensGetsNoEvents() throws IOException {
        // epoll reports a fresh TCP socket as hung up; there is nothing to tell its
        // dispatcher, and listen() must be able to replace it
        Recorder idle = new Recorder() {
            @Override public boolean writable() { return true; }
            @Override protected void handleWrite() { events.add("write"); }
        };
        idle.createSocket(AddressFamily.INET);
        Asyncore.loop(java.time.Duration.ZERO, false, map, 5);
        assertEquals(List.of(), events);
        assertFalse(idle.isClosed());
        idle.bind(new InetSocketAddress("127.0.0.1", 0));
        idle.listen(5);
        assertTrue(idle.isAccepting());
    }

    @Test
    void aConnectingDispatcherThatIsNotWritableGetsNoWriteEvent() throws IOException {
        // Python polls a connecting socket for write only if writable(): the completed
        // connect then surfaces as a read event (handle_connect, then handle_read).
        Listener server = new Listener();
        Recorder client = new Recorder() {
            @Override public boolean writable() { return false; }
            @Override protected void handleWrite() { events.add("write"); }
        };
        client.createSocket(AddressFamily.INET);
        client.connect(server.localAddress());
        Await.passesUntil(map, "connected", () -> events.contains("connect"));
        Await.passesUntil(map, "accepted", () -> server.accepted != null);
        server.accepted.send("hi".getBytes());
        Await.passesUntil(map, "read", () -> client.got.size() == 2);
        assertFalse(events.contains("write"), events.toString());
        assertEquals("connect", events.get(0));
        assertTrue(client.isConnected());
    }

    @Test
    void aClosedDispatcherCanCreateANewSocketAndConnectAgain() throws IOException {
        Listener server = new Listener();
        Recorder client = new Recorder();
        client.createSocket(AddressFamily.INET);
        client.connect(server.localAddress());
        Await.passesUntil(map, "connected", client::isConnected);
        client.close();
        assertFalse(map.contains(client));
        client.createSocket(AddressFamily.INET);
        assertFalse(client.isClosed());
        assertTrue(map.contains(client));
        client.connect(server.localAddress());
        Await.passesUntil(map, "connected again", () -> events.stream().filter("connect"::equals).count() == 2);
        assertTrue(client.isConnected());
    }

    @Test
    void wrappingChannelsSetsConnectedAndAddressAsPython() throws IOException {
        Listener server = new Listener();
        try (SocketChannel connected = SocketChannel.open(server.localAddress());
                SocketChannel unconnected = SocketChannel.open()) {
            Recorder a = new Recorder(connected);
            assertTrue(a.isConnected());
            assertEquals(server.localAddress(), a.address(), "addr is the peer");
            Recorder b = new Recorder(unconnected);
            assertFalse(b.isConnected(), "an unconnected socket: connected is false");
            assertEquals(null, b.address());
            assertFalse(b.channel().isBlocking());
        }
    }

    @Test
    void sendAndRecvAfterCloseActLikePythonsEbadf() throws IOException {
        // Python: send/recv on a closed socket raise EBADF, which is in _DISCONNECTED, so
        // they call handle_close and answer 0 / b''.
        Listener server = new Listener();
        plainClient(server.localAddress());
        Await.passesUntil(map, "accepted", () -> server.accepted != null);
        Recorder r = server.accepted;
        r.close();
        assertEquals(0, r.send("late".getBytes()));
        assertEquals(0, r.recv(8).length);
        assertEquals(-1, r.recv(ByteBuffer.allocate(8)));
        assertEquals(List.of("close", "close", "close"), events);
    }
}
