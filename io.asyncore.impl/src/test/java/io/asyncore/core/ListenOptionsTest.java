package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code listen()} keeps the options set on the socket before it, as Python's does (one
 * socket from {@code create_socket} to {@code listen}).
 *
 * <p>Expected values from CPython 3.11 on this machine (Linux):
 * <pre>
 * s = socket.socket(); s.setsockopt(SOL_SOCKET, SO_RCVBUF, 196608)
 * s.setsockopt(SOL_SOCKET, SO_SNDBUF, 196608); s.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1)
 * s.bind(('127.0.0.1', 0)); s.listen(5)
 * s.getsockopt(SOL_SOCKET, SO_RCVBUF)  -> 393216 (after listen as before it)
 * s.getsockopt(SOL_SOCKET, SO_REUSEPORT) -> 1
 * a, _ = s.accept(); a.getsockopt(SOL_SOCKET, SO_SNDBUF) -> 393216
 * </pre>
 * Linux reports twice the size set (the kernel's bookkeeping share); the JDK halves it
 * back, so the same sockets read 196608 through {@code getOption}.
 */
@ExtendWith(NoLeaks.class)
class ListenOptionsTest {

    private static final int SIZE = 196_608;

    private final ChannelMap map = new ChannelMap("listen-options");

    @AfterEach
    void close() {
        Asyncore.closeAll(map, true);
    }

    /** A listener that leaves accepting to the test. */
    static final class Listener extends Dispatcher {
        Listener(ChannelMap map) {
            super(map);
        }
    }

    private Listener listener(AddressFamily family) throws IOException {
        Listener d = new Listener(map);
        d.createSocket(family);
        return d;
    }

    private static <T> void set(Dispatcher d, SocketOption<T> option, T value) throws IOException {
        ((NetworkChannel) d.channel()).setOption(option, value);
    }

    private static <T> T get(Dispatcher d, SocketOption<T> option) throws IOException {
        return ((NetworkChannel) d.channel()).getOption(option);
    }

    private static void bindAndListen(Dispatcher d, AddressFamily family, int port) throws IOException {
        d.bind(new InetSocketAddress(family == AddressFamily.INET6 ? "::1" : "127.0.0.1", port));
        d.listen(5);
    }

    private static SocketChannel acceptOne(Dispatcher d, SocketChannel client) throws Exception {
        assertTrue(client.isConnected());
        for (int i = 0; i < 500; i++) {
            SocketChannel accepted = d.accept();
            if (accepted != null) {
                return accepted;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("nothing to accept on " + d);
    }

    @ParameterizedTest
    @EnumSource(value = AddressFamily.class, names = {"INET", "INET6"})
    void receiveBufferSetBeforeListenStaysOnTheListener(AddressFamily family) throws Exception {
        Listener d = listener(family);
        set(d, StandardSocketOptions.SO_RCVBUF, SIZE);
        bindAndListen(d, family, 0);
        assertTrue(d.channel() instanceof ServerSocketChannel);
        assertEquals(SIZE, get(d, StandardSocketOptions.SO_RCVBUF), "SO_RCVBUF after listen");
    }

    @ParameterizedTest
    @EnumSource(value = AddressFamily.class, names = {"INET", "INET6"})
    void sendBufferSetBeforeListenReachesEveryAcceptedConnection(AddressFamily family) throws Exception {
        Listener d = listener(family);
        set(d, StandardSocketOptions.SO_SNDBUF, SIZE);
        bindAndListen(d, family, 0);
        try (SocketChannel client = SocketChannel.open(d.localAddress());
                SocketChannel accepted = acceptOne(d, client)) {
            assertEquals(SIZE, accepted.getOption(StandardSocketOptions.SO_SNDBUF), "SO_SNDBUF of the accepted socket");
        }
    }

    @ParameterizedTest
    @EnumSource(value = AddressFamily.class, names = {"INET", "INET6"})
    void reusePortSetBeforeListenLetsTwoListenersShareAPort(AddressFamily family) throws Exception {
        Listener first = listener(family);
        set(first, StandardSocketOptions.SO_REUSEPORT, true);
        bindAndListen(first, family, 0);
        assertEquals(true, get(first, StandardSocketOptions.SO_REUSEPORT), "SO_REUSEPORT after listen");

        Listener second = listener(family);
        set(second, StandardSocketOptions.SO_REUSEPORT, true);
        // Without the option on the first listening socket this bind fails: address in use.
        bindAndListen(second, family, ((InetSocketAddress) first.localAddress()).getPort());
        assertEquals(first.localAddress(), second.localAddress());
    }

    @ParameterizedTest
    @EnumSource(value = AddressFamily.class, names = {"INET", "INET6"})
    void optionsLeftAloneStayTheKernelsOwn(AddressFamily family) throws Exception {
        Listener d = listener(family);
        bindAndListen(d, family, 0);
        try (ServerSocketChannel plain = ServerSocketChannel.open(family.protocolFamily());
                SocketChannel client = SocketChannel.open(d.localAddress());
                SocketChannel accepted = acceptOne(d, client);
                SocketChannel fresh = SocketChannel.open(family.protocolFamily())) {
            // Nothing set, nothing copied: the listener's buffer is a plain listener's
            // (a copied default would lock it against the kernel's autotuning).
            assertEquals(plain.getOption(StandardSocketOptions.SO_RCVBUF), get(d, StandardSocketOptions.SO_RCVBUF));
            assertEquals(fresh.getOption(StandardSocketOptions.TCP_NODELAY), accepted.getOption(StandardSocketOptions.TCP_NODELAY));
        }
    }
}
