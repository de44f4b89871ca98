package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The default {@code handleAccept} takes every pending connection up to
 * {@link Dispatcher#ACCEPTS_PER_EVENT} per event, one {@code handleAccepted} each; a
 * subclass that overrides {@code handleAccept} gets Python's one call per event.
 */
@ExtendWith(NoLeaks.class)
class AcceptBatchTest {

    private final ChannelMap map = new ChannelMap("accept-batch");
    private final List<SocketChannel> clients = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        Asyncore.closeAll(map, true);
        for (SocketChannel c : clients) {
            c.close();
        }
    }

    /** Counts what it accepts and closes it. */
    static class Counting extends Dispatcher {
        int accepted;
        int acceptEvents;

        Counting(ChannelMap map) throws IOException {
            super(map);
            createSocket(AddressFamily.INET);
            bind(new InetSocketAddress("127.0.0.1", 0));
            listen(128);
        }

        @Override
        protected void handleAccepted(SocketChannel channel, SocketAddress address) throws IOException {
            accepted++;
            channel.close();
        }
    }

    /** Python's shape: handle_accept calls accept() once. */
    static final class OnePerEvent extends Counting {
        OnePerEvent(ChannelMap map) throws IOException {
            super(map);
        }

        @Override
        protected void handleAccept() throws IOException {
            acceptEvents++;
            SocketChannel channel = accept();
            if (channel != null) {
                handleAccepted(channel, channel.getRemoteAddress());
            }
        }
    }

    private void connect(Dispatcher listener, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            clients.add(SocketChannel.open(listener.localAddress())); // queued once connected
        }
    }

    private void onePass() {
        Asyncore.loop(Duration.ofSeconds(5), false, map, 1);
    }

    @Test
    void theDefaultTakesEveryPendingConnectionInOneEvent() throws IOException {
        Counting listener = new Counting(map);
        connect(listener, 3);
        onePass();
        assertEquals(3, listener.accepted, "handleAccepted once per pending connection, in one pass");
    }

    @Test
    void theDefaultTakesAtMostTheBoundPerEventAndTheRestAtTheNext() throws IOException {
        Counting listener = new Counting(map);
        connect(listener, Dispatcher.ACCEPTS_PER_EVENT + 6);
        onePass();
        assertEquals(Dispatcher.ACCEPTS_PER_EVENT, listener.accepted, "the first pass");
        onePass();
        assertEquals(Dispatcher.ACCEPTS_PER_EVENT + 6, listener.accepted, "the second pass");
    }

    @Test
    void anOverridingHandleAcceptIsCalledOncePerEvent() throws IOException {
        OnePerEvent listener = new OnePerEvent(map);
        connect(listener, 3);
        for (int pass = 1; pass <= 3; pass++) {
            onePass();
            assertEquals(pass, listener.acceptEvents, "handleAccept calls after pass " + pass);
            assertEquals(pass, listener.accepted, "connections accepted after pass " + pass);
        }
    }

    /**
     * The engine also watches listeners on a second selector (between the events of long
     * passes); a closed listener must still give its port back at once, on a loop that
     * then stays idle, not when the loop ends.
     */
    @Test
    void aListenerClosedOnAnIdleLoopGivesItsPortBack() throws Exception {
        try (EventLoop loop = EventLoop.start("port-release")) {
            CompletableFuture<Counting> made = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    made.complete(new Counting(loop.map()));
                } catch (IOException e) {
                    made.completeExceptionally(e);
                }
            });
            Counting listener = made.get(5, TimeUnit.SECONDS);
            InetSocketAddress address = (InetSocketAddress) listener.localAddress();
            for (int i = 0; i < 3; i++) {
                onLoop(loop, () -> { }); // a few passes: the listener is watched by now
            }
            connect(listener, 1);
            for (int i = 0; i < 50 && listener.accepted == 0; i++) {
                Thread.sleep(20);
            }
            assertEquals(1, listener.accepted);
            onLoop(loop, listener::close);
            // The pass right after the close task releases the port; the loop then waits
            // idle (up to its 30 s select timeout), so no later pass may be needed for it.
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (true) {
                try (ServerSocketChannel again = ServerSocketChannel.open()) {
                    again.bind(address); // "Address already in use" while a selector holds the old one
                    break;
                } catch (java.net.BindException e) {
                    if (System.nanoTime() - end > 0) {
                        throw e;
                    }
                    Thread.sleep(20);
                }
            }
        }
    }

    private static void onLoop(EventLoop loop, Runnable task) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            task.run();
            done.complete(null);
        });
        done.get(5, TimeUnit.SECONDS);
    }
}
