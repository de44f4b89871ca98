package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.SocketException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code send} and {@code recv} on a stream socket that was created and never connected.
 * Expected values from CPython 3.11.7 ({@code d = D(); d.create_socket(family,
 * SOCK_STREAM); d.send(b"x")} or {@code d.recv(10)}, {@code handle_close} counting):
 * <pre>
 * AF_INET  send -> 0    handle_close 1   (socket.send raised EPIPE)
 * AF_INET  recv -> b''  handle_close 1   (ENOTCONN)
 * AF_INET6 send -> 0    handle_close 1
 * AF_INET6 recv -> b''  handle_close 1
 * AF_UNIX  send -> 0    handle_close 1   (ENOTCONN)
 * AF_UNIX  recv raised [Errno 22] Invalid argument, handle_close 0
 * </pre>
 */
@ExtendWith(NoLeaks.class)
class NeverConnectedTest {

    private final ChannelMap map = new ChannelMap("never-connected");

    @AfterEach
    void tearDown() {
        Asyncore.closeAll(map, true);
    }

    /** Counts handleClose, then closes as Python's default does. */
    final class Counting extends Dispatcher {
        int closes;

        Counting(AddressFamily family) throws IOException {
            super(map);
            createSocket(family);
        }

        @Override
        public void handleClose() {
            closes++;
            close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = AddressFamily.class, names = {"INET", "INET6", "UNIX"})
    void sendClosesAndAnswersZero(AddressFamily family) throws IOException {
        Counting d = new Counting(family);
        assertEquals(0, d.send(new byte[] {'x'}));
        assertEquals(1, d.closes);
        assertTrue(d.isClosed());
        assertFalse(map.contains(d));
    }

    @ParameterizedTest
    @EnumSource(value = AddressFamily.class, names = {"INET", "INET6"})
    void recvClosesAndAnswersEmpty(AddressFamily family) throws IOException {
        Counting d = new Counting(family);
        assertArrayEquals(new byte[0], d.recv(10));
        assertEquals(1, d.closes);
        assertFalse(map.contains(d));
    }

    @ParameterizedTest
    @EnumSource(value = AddressFamily.class, names = {"UNIX"})
    void unixRecvRaisesEinval(AddressFamily family) throws IOException {
        Counting d = new Counting(family);
        SocketException e = assertThrows(SocketException.class, () -> d.recv(10));
        assertTrue(e.getMessage().contains("EINVAL"), e.getMessage());
        assertEquals(0, d.closes);
        assertTrue(map.contains(d));
    }
}
