package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Python's {@code close()} on a listener frees its port at once: a server may close its
 * listener and listen on the same port again in the same breath. The JDK keeps a closed
 * channel's descriptor (a listener's port) open until every selector it was registered with
 * has selected again, so the engine deregisters a closing listener first.
 */
@ExtendWith(NoLeaks.class)
class ListenerCloseTest {

    @Test
    void aListenerClosedBetweenPassesFreesItsPortAtOnceInSelectMode() throws Exception {
        closedBetweenPasses(false);
    }

    @Test
    void aListenerClosedBetweenPassesFreesItsPortAtOnceInPollMode() throws Exception {
        closedBetweenPasses(true);
    }

    private static void closedBetweenPasses(boolean usePoll) throws Exception {
        ChannelMap map = new ChannelMap("listener-close");
        try {
            Echo.Server listener = new Echo.Server(map);
            Echo.Server other = new Echo.Server(map); // a second listener stays registered
            Asyncore.loop(Duration.ZERO, usePoll, map, 1); // registered for accepts
            SocketAddress port = listener.address();
            listener.close();
            assertEquals("bound", bindAgain(port), "the port after close()");
            Asyncore.loop(Duration.ZERO, usePoll, map, 1);
            assertTrue(other.errors.isEmpty() && listener.errors.isEmpty(), other.errors + " " + listener.errors);
        } finally {
            Asyncore.closeAll(map, true);
        }
    }

    /** Select mode delivers after the wait: a hook may close its listener and bind its port again. */
    @Test
    void aListenerClosedInItsOwnHookFreesItsPortThereInSelectMode() throws Exception {
        ChannelMap map = new ChannelMap("listener-close-hook");
        AtomicReference<Dispatcher> self = new AtomicReference<>();
        AtomicReference<String> inHook = new AtomicReference<>();
        try {
            Echo.Server listener = new Echo.Server(map, (channel, m) -> {
                SocketAddress port = ((Echo.Server) self.get()).address();
                self.get().close();
                inHook.set(bindAgain(port));
                return new Echo.Handler(channel, m);
            });
            self.set(listener);
            try (SocketChannel client = SocketChannel.open(listener.address())) {
                for (int pass = 0; pass < 100 && inHook.get() == null; pass++) {
                    Asyncore.loop(Duration.ofMillis(50), false, map, 1);
                }
                assertEquals("bound", inHook.get(), "the port, bound again in the hook that closed its listener");
            }
        } finally {
            Asyncore.closeAll(map, true);
        }
    }

    /**
     * Poll mode delivers from inside the selector's wait, where the selector cannot drop
     * the key: the port is free once that round of events is delivered.
     */
    @Test
    void aListenerClosedInItsOwnHookFreesItsPortByTheEndOfTheRoundInPollMode() throws Exception {
        ChannelMap map = new ChannelMap("listener-close-poll");
        AtomicReference<Dispatcher> self = new AtomicReference<>();
        AtomicReference<SocketAddress> closed = new AtomicReference<>();
        try {
            Echo.Server listener = new Echo.Server(map, (channel, m) -> {
                SocketAddress port = ((Echo.Server) self.get()).address();
                self.get().close();
                closed.set(port);
                return new Echo.Handler(channel, m);
            });
            self.set(listener);
            try (SocketChannel client = SocketChannel.open(listener.address())) {
                for (int pass = 0; pass < 100 && closed.get() == null; pass++) {
                    Asyncore.loop(Duration.ofMillis(50), true, map, 1);
                }
                assertEquals("bound", bindAgain(closed.get()), "the port after the round that closed its listener");
            }
        } finally {
            Asyncore.closeAll(map, true);
        }
    }

    /** Binds {@code port} with a blocking socket: "bound", or why not. */
    private static String bindAgain(SocketAddress port) {
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind((InetSocketAddress) port);
            return "bound";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
