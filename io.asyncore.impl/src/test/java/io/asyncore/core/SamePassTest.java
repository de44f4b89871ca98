package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dispatcher closed during a pass, by another dispatcher or by itself, receives no
 * further events in that pass (Python: {@code map.get(fd)} is None, or the object is
 * gone from the map).
 */
@ExtendWith(NoLeaks.class)
class SamePassTest {

    private final ChannelMap map = new ChannelMap("same-pass");
    private final List<String> events = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void tearDown() {
        Asyncore.closeAll(map, true);
    }

    /** Connects; once armed, wants to write, and its first write event closes {@link #victim}. */
    final class Closer extends Dispatcher {
        final String name;
        Closer victim;
        boolean armed;
        Runnable afterClosing = () -> {};

        Closer(String name, AddressFamily family, SocketAddress server) throws IOException {
            super(map);
            this.name = name;
            createSocket(family);
            connect(server);
        }

        @Override public boolean readable() { return false; }
        @Override public boolean writable() { return !isConnected() || armed; }
        @Override protected void handleConnect() {}

        @Override
        protected void handleWrite() {
            if (!armed) {
                return; // the write event that comes with the completed connect
            }
            events.add(name + " write");
            if (victim != null && !victim.isClosed()) {
                victim.close();
                afterClosing.run();
            }
        }
    }

    /** A listener that parks accepted connections in the map without polling them. */
    final class Parking extends Dispatcher {
        Parking(AddressFamily family, SocketAddress address) throws IOException {
            super(map);
            createSocket(family);
            bind(address);
            listen(16);
        }

        @Override
        protected void handleAccepted(SocketChannel channel, SocketAddress address) {
            new Dispatcher(channel, map) {
                @Override public boolean readable() { return false; }
                @Override public boolean writable() { return false; }
            };
        }
    }

    @Test
    void closedByAnotherInTheSamePassGetsNoEvent() throws IOException {
        Parking server = new Parking(AddressFamily.INET, new java.net.InetSocketAddress("127.0.0.1", 0));
        Closer a = new Closer("a", AddressFamily.INET, server.localAddress());
        Closer b = new Closer("b", AddressFamily.INET, server.localAddress());
        a.victim = b;
        b.victim = a;
        Await.passesUntil(map, "both connected", () -> a.isConnected() && b.isConnected());
        events.clear();
        a.armed = true;
        b.armed = true;
        // Both are writable now, so one select reports both; whichever goes first closes
        // the other, which must then get nothing.
        Asyncore.poll(Duration.ofMillis(500), map);
        assertEquals(1, events.size(), events.toString());
        assertTrue(a.isClosed() ^ b.isClosed(), "exactly one was closed");
    }

    @Test
    void closedAndRecreatedInTheSamePassGetsNoEventOfItsOldSocket() throws IOException {
        // Unix-domain connects complete at once, so the new socket is connected (and would
        // run handleWrite) while the old socket's readiness is still being delivered.
        SocketAddress path = UnixDomainSocketAddress.of(tmp.resolve("s"));
        Parking server = new Parking(AddressFamily.UNIX, path);
        Closer a = new Closer("a", AddressFamily.UNIX, path);
        Closer b = new Closer("b", AddressFamily.UNIX, path);
        a.victim = b;
        b.victim = a;
        a.afterClosing = () -> reopen(b, path);
        b.afterClosing = () -> reopen(a, path);
        Await.passesUntil(map, "both connected", () -> a.isConnected() && b.isConnected());
        events.clear();
        a.armed = true;
        b.armed = true;
        Asyncore.poll(Duration.ofMillis(500), map);
        assertEquals(1, events.size(), "the reopened one ran no handler for its old socket: " + events);
    }

    private static void reopen(Closer d, SocketAddress path) {
        try {
            d.victim = null;
            d.createSocket(AddressFamily.UNIX);
            d.connect(path);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void closedByItselfInHandleReadGetsNoWriteEvent() throws IOException {
        Echo.Server server = new Echo.Server(map);
        class SelfCloser extends Dispatcher {
            boolean sent;

            SelfCloser() throws IOException {
                super(map);
                createSocket(AddressFamily.INET);
                connect(server.localAddress());
            }

            @Override protected void handleConnect() {}

            @Override public boolean writable() { return true; }

            @Override
            protected void handleWrite() throws IOException {
                if (!sent) {
                    sent = send(new byte[] {'x'}) == 1;
                } else {
                    events.add("write");
                }
            }

            @Override
            protected void handleRead() throws IOException {
                if (recv(16).length > 0) {
                    events.add("read");
                    close();
                }
            }
        }
        SelfCloser d = new SelfCloser();
        Await.passesUntil(map, "echo read", () -> events.contains("read"));
        // the pass that read also found the socket writable; the closed one got no write
        assertEquals("read", events.get(events.size() - 1), events.toString());
        assertTrue(d.isClosed());
    }
}
