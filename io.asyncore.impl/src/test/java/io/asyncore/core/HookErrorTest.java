package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.LogCapture;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An exception thrown from any hook reaches that dispatcher's {@code handleError} and
 * nothing else: the loop goes on, and an echo connection in the same map keeps echoing.
 */
@ExtendWith(NoLeaks.class)
class HookErrorTest {

    enum Hook { READ, WRITE, CONNECT, ACCEPT, ACCEPTED, CLOSE, READABLE, WRITABLE }

    private final ChannelMap map = new ChannelMap("hook-errors");
    private SocketChannel peer;

    @AfterEach
    void tearDown() throws IOException {
        Asyncore.closeAll(map, true);
        if (peer != null) {
            peer.close();
        }
    }

    /** A dispatcher whose {@code hook} throws {@link #thrown}; records what handleError got. */
    static final class Faulty extends Dispatcher {
        final Hook hook;
        final Exception thrown;
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        volatile boolean connectedOnce;

        Faulty(ChannelMap map, Hook hook) {
            super(map);
            this.hook = hook;
            this.thrown = hook == Hook.READ ? new IOException("boom in " + hook) : new IllegalStateException("boom in " + hook);
        }

        private void maybeThrow(Hook here) throws IOException {
            if (here == hook) {
                if (thrown instanceof IOException io) {
                    throw io;
                }
                throw (RuntimeException) thrown;
            }
        }

        @Override
        public boolean readable() {
            if (hook == Hook.READABLE && connectedOnce) {
                throw (RuntimeException) thrown;
            }
            return true;
        }

        @Override
        public boolean writable() {
            if (hook == Hook.WRITABLE && connectedOnce) {
                throw (RuntimeException) thrown;
            }
            return hook == Hook.WRITE || hook == Hook.WRITABLE || !isConnected();
        }

        @Override
        protected void handleConnect() throws IOException {
            connectedOnce = true;
            maybeThrow(Hook.CONNECT);
            if (hook == Hook.CLOSE) {
                // the echo side sees the end of the stream and closes: our recv finds EOF
                ((SocketChannel) channel()).shutdownOutput();
            } else {
                send(new byte[] {'x'});
            }
        }

        @Override
        protected void handleRead() throws IOException {
            maybeThrow(Hook.READ);
            recv(1024);
        }

        @Override
        protected void handleWrite() throws IOException {
            maybeThrow(Hook.WRITE);
        }

        @Override
        protected void handleAccept() throws IOException {
            maybeThrow(Hook.ACCEPT);
            super.handleAccept();
        }

        @Override
        protected void handleAccepted(SocketChannel channel, SocketAddress address) throws IOException {
            maybeThrow(Hook.ACCEPTED);
            channel.close();
        }

        @Override
        public void handleClose() {
            if (hook == Hook.CLOSE) {
                throw (RuntimeException) thrown;
            }
            close();
        }

        @Override
        public void handleError(Throwable error) {
            errors.add(error);
            super.handleError(error);
        }
    }

    @ParameterizedTest
    @EnumSource(Hook.class)
    void anExceptionReachesOnlyItsOwnDispatcher(Hook hook) throws Exception {
        Echo.Server server = new Echo.Server(map);
        Echo.Pinger pinger = new Echo.Pinger(map, server.localAddress());
        Await.passesUntil(map, "echo running", () -> pinger.roundTrips >= 3);

        Faulty faulty = new Faulty(map, hook);
        faulty.createSocket(AddressFamily.INET);
        if (hook == Hook.ACCEPT || hook == Hook.ACCEPTED) {
            faulty.bind(new InetSocketAddress("127.0.0.1", 0));
            faulty.listen(5);
            peer = SocketChannel.open(faulty.localAddress());
        } else {
            faulty.connect(server.localAddress());
        }

        try (LogCapture quiet = LogCapture.dispatcher(); LogCapture quiet2 = LogCapture.of("io.asyncore.Asyncore")) {
            Await.passesUntil(map, hook + " error handled", () -> !faulty.errors.isEmpty());
            int tripsAtError = pinger.roundTrips;
            Await.passesUntil(map, "echo goes on after the " + hook + " error", () -> pinger.roundTrips >= tripsAtError + 5);
        }

        assertEquals(1, faulty.errors.size(), "handleError called once: " + faulty.errors);
        assertSame(faulty.thrown, faulty.errors.get(0));
        assertTrue(faulty.isClosed(), "the default handleError closed it");
        assertFalse(map.contains(faulty));
        assertEquals(List.of(), server.errors);
        assertEquals(List.of(), pinger.errors());
        assertTrue(server.isAccepting());
        assertTrue(pinger.isConnected());

        if (hook == Hook.ACCEPTED) {
            // the connection handed to the failing handleAccepted is not leaked open
            peer.socket().setSoTimeout((int) Await.LIMIT.toMillis());
            assertEquals(-1, peer.socket().getInputStream().read(ByteBuffer.allocate(1).array()),
                    "the accepted connection was closed");
        }
    }
}
