package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Datagram;
import io.asyncore.Dispatcher;
import io.asyncore.SocketType;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** UDP dispatchers over IPv4 and IPv6: sendTo/recvFrom, and connected send/recv. */
@ExtendWith(NoLeaks.class)
class UdpTest {

    private final ChannelMap map = new ChannelMap("udp");

    @AfterEach
    void tearDown() {
        Asyncore.closeAll(map, true);
    }

    static String loopback(AddressFamily family) {
        return family == AddressFamily.INET ? "127.0.0.1" : "::1";
    }

    /** Collects what arrives; read only. */
    static final class Receiver extends Dispatcher {
        final List<Datagram> datagrams = new CopyOnWriteArrayList<>();
        final List<byte[]> received = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final boolean connectedMode;
        int emptyReads;

        Receiver(ChannelMap map, AddressFamily family, boolean connectedMode) throws IOException {
            super(map);
            this.connectedMode = connectedMode;
            createSocket(family, SocketType.DGRAM);
            bind(new InetSocketAddress(loopback(family), 0));
        }

        @Override public boolean writable() { return false; }
        @Override protected void handleConnect() {}

        @Override
        protected void handleRead() throws IOException {
            if (connectedMode) {
                byte[] data = recv(2048);
                if (data.length > 0) {
                    received.add(data);
                } else {
                    emptyReads++;
                }
            } else {
                Datagram d = recvFrom(2048);
                if (d != null) {
                    datagrams.add(d);
                }
            }
        }

        @Override
        public void handleError(Throwable error) {
            errors.add(error);
            close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = AddressFamily.class, names = {"INET", "INET6"})
    void sendToAndRecvFrom(AddressFamily family) throws IOException {
        Receiver b = new Receiver(map, family, false);
        Receiver a = new Receiver(map, family, false);
        byte[] one = "spam".getBytes();
        byte[] two = "eggs and spam".getBytes();
        assertEquals(one.length, a.sendTo(one, b.localAddress()));
        assertEquals(two.length, a.sendTo(two, b.localAddress()));
        Await.passesUntil(map, "two datagrams", () -> b.datagrams.size() == 2);
        assertArrayEquals(one, b.datagrams.get(0).data());
        assertArrayEquals(two, b.datagrams.get(1).data());
        assertEquals(a.localAddress(), b.datagrams.get(0).address());
        assertNull(b.recvFrom(2048), "nothing more waiting");
        assertEquals(List.of(), b.errors);
        assertInstanceOf(DatagramChannel.class, b.channel());
        assertEquals(family, b.family());
    }

    @ParameterizedTest
    @EnumSource(value = AddressFamily.class, names = {"INET", "INET6"})
    void connectedSendAndRecv(AddressFamily family) throws IOException {
        Receiver b = new Receiver(map, family, true);
        Receiver a = new Receiver(map, family, true);
        a.connect(b.localAddress());
        b.connect(a.localAddress());
        assertTrue(a.isConnected() && b.isConnected(), "UDP connects at once");
        assertEquals(b.localAddress(), a.address());
        assertEquals(3, a.send("abc".getBytes()));
        assertEquals(3, b.send("xyz".getBytes()));
        Await.passesUntil(map, "both received", () -> a.received.size() == 1 && b.received.size() == 1);
        assertArrayEquals("abc".getBytes(), b.received.get(0));
        assertArrayEquals("xyz".getBytes(), a.received.get(0));
        // nothing waiting: an empty answer, and a datagram socket has no end of stream
        assertEquals(0, b.recv(16).length);
        assertTrue(!b.isClosed() && b.received.size() == 1);
        assertEquals(List.of(), a.errors);
        assertEquals(List.of(), b.errors);
    }

    @ParameterizedTest
    @EnumSource(value = AddressFamily.class, names = {"INET", "INET6"})
    void recvOnAnUnconnectedSocketTakesDatagramsFromAnyone(AddressFamily family) throws IOException {
        // Python's recv() works on a bound, unconnected UDP socket; NIO's read does not
        Receiver b = new Receiver(map, family, true);
        Receiver a = new Receiver(map, family, false);
        a.sendTo("one".getBytes(), b.localAddress());
        a.sendTo("two".getBytes(), b.localAddress());
        Await.passesUntil(map, "two datagrams", () -> b.received.size() == 2);
        assertArrayEquals("one".getBytes(), b.received.get(0));
        assertArrayEquals("two".getBytes(), b.received.get(1));
        assertEquals(List.of(), b.errors);
    }

    @ParameterizedTest
    @EnumSource(value = AddressFamily.class, names = {"INET", "INET6"})
    void sendOnAnUnconnectedSocketIsAnError(AddressFamily family) throws IOException {
        // Python: EDESTADDRREQ, which handle_error gets; not a silent "0 bytes, try later"
        Receiver a = new Receiver(map, family, false);
        java.net.SocketException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.net.SocketException.class, () -> a.send("lost".getBytes()));
        assertTrue(e.getMessage().contains("destination address required"), e.getMessage());
        assertTrue(!a.isClosed());
    }

    @ParameterizedTest
    @EnumSource(value = AddressFamily.class, names = {"INET", "INET6"})
    void connectingAgainRetargetsAsInPython(AddressFamily family) throws IOException {
        Receiver b = new Receiver(map, family, false);
        Receiver c = new Receiver(map, family, false);
        Receiver a = new Receiver(map, family, true);
        a.connect(b.localAddress());
        a.connect(c.localAddress());
        assertEquals(c.localAddress(), a.address());
        a.send("to c".getBytes());
        Await.passesUntil(map, "c received", () -> c.datagrams.size() == 1);
        assertArrayEquals("to c".getBytes(), c.datagrams.get(0).data());
        assertEquals(List.of(), b.datagrams);
    }

    @ParameterizedTest
    @EnumSource(value = AddressFamily.class, names = {"INET", "INET6"})
    void connectedSendToAClosedPortReachesHandleError(AddressFamily family) throws IOException {
        // Python: recv on a connected UDP socket after ICMP port unreachable raises
        // ECONNREFUSED, which is not a disconnect, so handle_error runs.
        SocketAddress nobody;
        try (DatagramChannel gone = DatagramChannel.open(family.protocolFamily())) {
            gone.bind(new InetSocketAddress(loopback(family), 0));
            nobody = gone.getLocalAddress();
        }
        Receiver a = new Receiver(map, family, true);
        a.connect(nobody);
        a.send("anyone?".getBytes());
        Await.passesUntil(map, "the refusal", () -> !a.errors.isEmpty());
        assertInstanceOf(PortUnreachableException.class, a.errors.get(0));
    }
}
