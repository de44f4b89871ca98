package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.SocketType;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Misuse gets an exception naming the cause, at once, and never a hang; a misusing hook
 * inside a running loop costs only its own dispatcher.
 */
@ExtendWith(NoLeaks.class)
class MisuseTest {

    private final ChannelMap map = new ChannelMap("misuse");

    @TempDir
    Path tmp;

    @AfterEach
    void tearDown() {
        Asyncore.closeAll(map, true);
    }

    private Dispatcher fresh() {
        return new Dispatcher(map) {};
    }

    private Dispatcher created(AddressFamily family) throws IOException {
        Dispatcher d = fresh();
        d.createSocket(family);
        return d;
    }

    private static <T extends Throwable> T fails(Class<T> type, String mention, Executable call) {
        T e = assertThrows(type, call);
        assertTrue(e.getMessage() != null && e.getMessage().contains(mention),
                "message should mention '" + mention + "': " + e.getMessage());
        return e;
    }

    private static final SocketAddress V4 = new InetSocketAddress("127.0.0.1", 0);
    private static final SocketAddress V6 = new InetSocketAddress("::1", 0);

    @Test
    void bindOnAClosedDispatcher() throws IOException {
        Dispatcher d = created(AddressFamily.INET);
        d.close();
        fails(IllegalStateException.class, "closed", () -> d.bind(V4));
        fails(IllegalStateException.class, "closed", () -> d.connect(V4));
        fails(IllegalStateException.class, "closed", () -> d.listen(5));
        fails(IllegalStateException.class, "closed", () -> d.setReuseAddr());
        assertFalse(map.contains(d));
    }

    @Test
    void socketMethodsBeforeCreateSocket() {
        Dispatcher d = fresh();
        fails(IllegalStateException.class, "createSocket", () -> d.bind(V4));
        fails(IllegalStateException.class, "createSocket", () -> d.connect(V4));
        fails(IllegalStateException.class, "createSocket", () -> d.listen(5));
        fails(IllegalStateException.class, "createSocket", () -> d.accept());
        fails(IllegalStateException.class, "createSocket", () -> d.setReuseAddr());
        fails(IllegalStateException.class, "createSocket", () -> d.send(new byte[1]));
        fails(IllegalStateException.class, "createSocket", () -> d.recv(1));
        fails(IllegalStateException.class, "createSocket", () -> d.sendTo(new byte[1], V4));
        fails(IllegalStateException.class, "createSocket", () -> d.recvFrom(1));
        assertTrue(map.isEmpty());
    }

    @Test
    void listenBeforeBind() throws IOException {
        Dispatcher d = created(AddressFamily.INET);
        fails(IllegalStateException.class, "bind", () -> d.listen(5));
        assertFalse(d.isAccepting());
        // the socket is still usable
        d.bind(V4);
        d.listen(5);
        assertTrue(d.isAccepting());
    }

    @Test
    void listenOnADatagramSocket() throws IOException {
        Dispatcher d = fresh();
        d.createSocket(AddressFamily.INET, SocketType.DGRAM);
        d.bind(V4);
        fails(IllegalStateException.class, "datagram", () -> d.listen(5));
    }

    @Test
    void nullAddress() throws IOException {
        Dispatcher d = created(AddressFamily.INET);
        fails(NullPointerException.class, "address", () -> d.bind(null));
        fails(NullPointerException.class, "address", () -> d.connect(null));
        Dispatcher u = fresh();
        u.createSocket(AddressFamily.INET, SocketType.DGRAM);
        fails(NullPointerException.class, "address", () -> u.sendTo(new byte[1], null));
        assertFalse(d.isConnecting(), "a refused connect leaves the state alone");
    }

    @Test
    void addressOfTheWrongFamily() throws IOException {
        Dispatcher d = created(AddressFamily.INET);
        fails(IllegalArgumentException.class, "INET6", () -> d.bind(V6));
        fails(IllegalArgumentException.class, "INET6", () -> d.connect(V6));
        SocketAddress path = UnixDomainSocketAddress.of(tmp.resolve("s"));
        fails(IllegalArgumentException.class, "UNIX", () -> d.bind(path));
        fails(IllegalArgumentException.class, "UNIX", () -> d.connect(path));
        assertFalse(d.isConnecting());
        assertNull(d.address());

        Dispatcher u = created(AddressFamily.UNIX);
        fails(IllegalArgumentException.class, "INET", () -> u.bind(V4));
        fails(IllegalArgumentException.class, "INET", () -> u.connect(V4));

        Dispatcher g = fresh();
        g.createSocket(AddressFamily.INET, SocketType.DGRAM);
        fails(IllegalArgumentException.class, "INET6", () -> g.sendTo(new byte[1], V6));
    }

    @Test
    void unresolvedAddress() throws IOException {
        Dispatcher d = created(AddressFamily.INET);
        SocketAddress unresolved = InetSocketAddress.createUnresolved("no-such-host.invalid", 80);
        fails(IllegalArgumentException.class, "unresolved", () -> d.connect(unresolved));
        fails(IllegalArgumentException.class, "unresolved", () -> d.bind(unresolved));
        assertFalse(d.isConnecting());
    }

    @Test
    void recvWithoutRoom() throws IOException {
        Dispatcher d = created(AddressFamily.INET);
        fails(IllegalArgumentException.class, "buffer size", () -> d.recv(0));
        fails(IllegalArgumentException.class, "buffer size", () -> d.recv(-1));
        Dispatcher g = fresh();
        g.createSocket(AddressFamily.INET, SocketType.DGRAM);
        fails(IllegalArgumentException.class, "buffer size", () -> g.recvFrom(0));
        fails(NullPointerException.class, "buffer", () -> d.recv((ByteBuffer) null));
        fails(NullPointerException.class, "data", () -> d.send((ByteBuffer) null));
    }

    @Test
    void createSocketTwice() throws IOException {
        Dispatcher d = created(AddressFamily.INET);
        var first = d.channel();
        fails(IllegalStateException.class, "already has a socket", () -> d.createSocket(AddressFamily.INET6));
        assertSame(first, d.channel(), "the first socket is kept");
        assertEquals(AddressFamily.INET, d.family());
        fails(NullPointerException.class, "family", () -> fresh().createSocket(null, SocketType.STREAM));
    }

    @Test
    void acceptOnANonListeningDispatcher() throws IOException {
        Dispatcher d = created(AddressFamily.INET);
        fails(IllegalStateException.class, "not listening", d::accept);
        d.bind(V4);
        fails(IllegalStateException.class, "not listening", d::accept);
    }

    @Test
    void unixDomainDatagram() {
        Dispatcher d = fresh();
        fails(UnsupportedOperationException.class, "Unix-domain datagram", () -> d.createSocket(AddressFamily.UNIX, SocketType.DGRAM));
        assertNull(d.channel());
        assertFalse(map.contains(d));
    }

    @Test
    void streamAndDatagramMethodsMixedUp() throws IOException {
        Dispatcher s = created(AddressFamily.INET);
        fails(IllegalStateException.class, "not a datagram socket", () -> s.sendTo(new byte[1], V4));
        fails(IllegalStateException.class, "not a datagram socket", () -> s.recvFrom(1));
        Dispatcher listener = created(AddressFamily.INET);
        listener.bind(V4);
        listener.listen(5);
        fails(IllegalStateException.class, "byte-stream", () -> listener.recv(1));
        fails(IllegalStateException.class, "byte-stream", () -> listener.send(new byte[1]));
        fails(IllegalStateException.class, "listening", () -> listener.connect(listener.localAddress()));
    }

    @Test
    void bindTwice() throws IOException {
        Dispatcher d = created(AddressFamily.INET);
        d.bind(V4);
        SocketAddress first = d.localAddress();
        fails(IllegalStateException.class, "already bound", () -> d.bind(V4));
        assertEquals(first, d.localAddress());
        d.listen(5);
        fails(IllegalStateException.class, "already bound", () -> d.bind(V4));
    }

    @Test
    void connectTwice() throws IOException {
        Echo.Server server = new Echo.Server(map);
        Dispatcher d = new Dispatcher(map) {
            @Override protected void handleConnect() {}
        };
        d.createSocket(AddressFamily.INET);
        d.connect(server.localAddress());
        // Python: a second connect while the first is in progress answers EALREADY and is
        // ignored
        d.connect(server.localAddress());
        assertTrue(d.isConnecting() || d.isConnected());
        Await.passesUntil(map, "connected", d::isConnected);
        fails(IllegalStateException.class, "already connected", () -> d.connect(server.localAddress()));
        assertTrue(d.isConnected(), "still connected");
    }

    @Test
    void acceptWithNothingPendingAnswersNull() throws IOException {
        Dispatcher listener = created(AddressFamily.INET);
        listener.bind(V4);
        listener.listen(5);
        assertNull(listener.accept(), "Python: EWOULDBLOCK -> None");
    }

    @Test
    void setSocketAdoptsABlockingChannelAndItsFamily(@TempDir Path dir) throws IOException {
        // a blocking channel cannot be watched by the selector: setSocket makes it
        // non-blocking (as Python's dispatcher(sock) does) instead of failing in the loop
        Dispatcher d = created(AddressFamily.INET);
        d.close();
        java.nio.channels.SocketChannel unix = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        unix.bind(UnixDomainSocketAddress.of(dir.resolve("u")));
        assertTrue(unix.isBlocking());
        d.setSocket(unix, map);
        assertFalse(unix.isBlocking());
        assertEquals(AddressFamily.UNIX, d.family(), "the family is the channel's, not the old socket's");
        assertTrue(map.contains(d));
        fails(IllegalArgumentException.class, "INET", () -> d.connect(V4));
        java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
        try (var source = pipe.source(); var sink = pipe.sink()) {
            fails(IllegalArgumentException.class, "not a socket channel", () -> fresh().setSocket(source, map));
        }
    }

    @Test
    void unixPathTooLong() throws IOException {
        Dispatcher u = created(AddressFamily.UNIX);
        SocketAddress tooLong = UnixDomainSocketAddress.of(tmp.resolve("x".repeat(200)));
        IOException e = assertThrows(IOException.class, () -> u.bind(tooLong));
        assertTrue(e.getMessage().toLowerCase().contains("too long"), e.getMessage());
    }

    @Test
    void misuseInsideAHookCostsOnlyThatDispatcher() throws IOException {
        Echo.Server server = new Echo.Server(map);
        Echo.Pinger pinger = new Echo.Pinger(map, server.localAddress());
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        Dispatcher misuser = new Dispatcher(map) {
            @Override protected void handleConnect() {}

            @Override
            protected void handleWrite() throws IOException {
                bind(V6); // wrong family
            }

            @Override
            public void handleError(Throwable error) {
                errors.add(error);
                close();
            }
        };
        misuser.createSocket(AddressFamily.INET);
        misuser.connect(server.localAddress());
        Await.passesUntil(map, "misuse handled and echo going", () -> !errors.isEmpty() && pinger.roundTrips >= 10);
        assertEquals(1, errors.size());
        assertTrue(errors.get(0) instanceof IllegalArgumentException, errors.toString());
        assertTrue(misuser.isClosed());
        assertEquals(List.of(), pinger.errors());
    }
}
