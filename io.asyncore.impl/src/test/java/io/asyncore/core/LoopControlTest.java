package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.Descriptors;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code loop()} and {@code poll()} arguments: timeouts of zero (no wait) and below
 * (refused), the pass count honoured exactly, and ending when the map empties.
 */
@ExtendWith(NoLeaks.class)
class LoopControlTest {

    /** Generous bound that only catches a hang (a zero timeout that blocks forever, say). */
    private static final Duration HANG = Duration.ofSeconds(20);

    private final ChannelMap map = new ChannelMap("loop-control");

    @AfterEach
    void tearDown() {
        Asyncore.closeAll(map, true);
        Asyncore.closeAll();
    }

    /** Counts readable() calls: one per pass. Never ready, so passes wait their full timeout. */
    static class Counting extends Dispatcher {
        int readableCalls;
        int closeAfter = Integer.MAX_VALUE;

        Counting(ChannelMap map) throws IOException {
            super(map);
            createSocket(AddressFamily.INET, io.asyncore.SocketType.DGRAM);
            bind(new InetSocketAddress("127.0.0.1", 0));
        }

        @Override
        public boolean readable() {
            readableCalls++;
            if (readableCalls >= closeAfter) {
                close();
            }
            return true;
        }

        @Override
        public boolean writable() {
            return false;
        }
    }

    @Test
    void countIsHonouredExactly() throws IOException {
        Counting d = new Counting(map);
        Asyncore.loop(Duration.ZERO, false, map, 7);
        assertEquals(7, d.readableCalls);
        Asyncore.loop(Duration.ofMillis(1), true, map, 3);
        assertEquals(10, d.readableCalls);
        Asyncore.loop(Duration.ZERO, false, map, 0);
        assertEquals(10, d.readableCalls, "count 0: no pass");
    }

    @Test
    void loopEndsWhenTheMapEmptiesBeforeTheCount() throws IOException {
        Counting d = new Counting(map);
        d.closeAfter = 3;
        Asyncore.loop(Duration.ZERO, false, map, 100);
        assertEquals(3, d.readableCalls);
        assertTrue(map.isEmpty());
    }

    @Test
    void loopWithoutCountEndsWhenTheMapEmpties() throws IOException {
        Counting d = new Counting(map);
        d.closeAfter = 5;
        assertTimeoutPreemptively(HANG, () -> Asyncore.loop(Duration.ZERO, false, map));
        assertEquals(5, d.readableCalls);
    }

    @Test
    void loopOnAnEmptyMapReturnsAtOnce() {
        assertTimeoutPreemptively(HANG, () -> Asyncore.loop(Duration.ofSeconds(60), false, map));
        assertTimeoutPreemptively(HANG, () -> Asyncore.loop(Duration.ofSeconds(60), false, map, 5));
    }

    @Test
    void pollOnAnEmptyMapReturnsAtOnceAndHoldsNothing() {
        List<String> before = Descriptors.io();
        // Python's poll() does nothing when the map is empty
        assertTimeoutPreemptively(HANG, () -> Asyncore.poll(Duration.ofSeconds(60), map));
        assertEquals(before, Descriptors.io(), "no selector was opened for an empty map");
    }

    @Test
    void zeroTimeoutDoesNotWait() throws IOException {
        Counting d = new Counting(map);
        assertTimeoutPreemptively(HANG, () -> {
            Asyncore.poll(Duration.ZERO, map);
            Asyncore.poll2(Duration.ZERO, map);
            Asyncore.loop(Duration.ZERO, true, map, 3);
        });
        assertEquals(5, d.readableCalls);
        // a sub-millisecond timeout waits instead of spinning, and still ends
        assertTimeoutPreemptively(HANG, () -> Asyncore.loop(Duration.ofNanos(1), false, map, 2));
        assertEquals(7, d.readableCalls);
    }

    @Test
    void negativeTimeoutsAreRefusedNamingTheTimeout() throws IOException {
        new Counting(map);
        Duration negative = Duration.ofMillis(-1);
        for (Runnable call : List.<Runnable>of(
                () -> Asyncore.loop(negative),
                () -> Asyncore.loop(negative, false),
                () -> Asyncore.loop(negative, false, map),
                () -> Asyncore.loop(negative, false, map, 1),
                () -> Asyncore.poll(negative, map),
                () -> Asyncore.poll2(negative, map))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
            assertTrue(e.getMessage().contains("timeout"), e.getMessage());
        }
        NullPointerException npe = assertThrows(NullPointerException.class, () -> Asyncore.loop(null, false, map, 1));
        assertTrue(npe.getMessage().contains("timeout"), npe.getMessage());
    }

    @Test
    void negativeCountIsRefusedNamingTheCount() throws IOException {
        new Counting(map);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Asyncore.loop(Duration.ZERO, false, map, -1));
        assertTrue(e.getMessage().contains("count"), e.getMessage());
    }

    @Test
    void exitNowFromAHookLeavesTheLoopAndTheMapAsItWas() throws IOException {
        Echo.Server server = new Echo.Server(map);
        Echo.Pinger pinger = new Echo.Pinger(map, server.localAddress());
        Dispatcher quitter = new Dispatcher(map) {
            @Override protected void handleConnect() {}

            @Override
            protected void handleWrite() {
                throw new io.asyncore.ExitNow("stop here");
            }
        };
        quitter.createSocket(AddressFamily.INET);
        quitter.connect(server.localAddress());
        io.asyncore.ExitNow exit = assertThrows(io.asyncore.ExitNow.class,
                () -> Asyncore.loop(Duration.ofMillis(10), false, map, 10_000));
        assertEquals("stop here", exit.getMessage());
        assertFalse(quitter.isClosed(), "ExitNow is not an error: nothing was closed");
        assertTrue(map.contains(quitter) && map.contains(server) && map.contains(pinger));
        quitter.close();
        // the loop resumes where it stopped
        int trips = pinger.roundTrips;
        Await.passesUntil(map, "echo resumes", () -> pinger.roundTrips >= trips + 3);
        assertEquals(List.of(), pinger.errors());
    }

    @Test
    void aClientMadeOnAnotherThreadWhileTheLoopWaitsIsServedWithoutWaitingOutTheTimeout() throws Exception {
        // loop() waits 30 s per pass (Python's default); a client created and connected on
        // this thread meanwhile must wake it (joining the map, then connecting), not wait
        // for the timeout: Await.LIMIT is far shorter than one pass.
        Echo.Server server = new Echo.Server(map);
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread loopThread = new Thread(() -> {
            try {
                Asyncore.loop(Asyncore.DEFAULT_TIMEOUT, false, map);
            } catch (io.asyncore.ExitNow stop) {
                // asked to stop
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "loop-control-waiting-loop");
        loopThread.start();
        try {
            class LateClient extends Dispatcher {
                volatile int passes;
                volatile boolean connectSeen;

                LateClient() throws IOException {
                    super(map);
                    createSocket(AddressFamily.INET);
                }

                @Override
                public boolean readable() {
                    passes++;
                    return true;
                }

                @Override
                protected void handleConnect() {
                    connectSeen = true;
                }
            }
            LateClient client = new LateClient();
            client.addChannel(); // made on this thread while the loop may serve the map already
            // the loop took the new socket into a pass and is now waiting out its 30 s
            Await.until("a pass saw the client", () -> client.passes > 0 || !loopThread.isAlive());
            // a peer outside the map, so that nothing but the connect itself can wake the loop
            try (java.net.ServerSocket outside = new java.net.ServerSocket()) {
                outside.bind(new InetSocketAddress("127.0.0.1", 0));
                client.connect(outside.getLocalSocketAddress());
                Await.until("connect seen", () -> client.connectSeen || !loopThread.isAlive());
            }
            assertTrue(client.connectSeen, "served: " + failure.get());
            Echo.Pinger pinger = new Echo.Pinger(map, server.localAddress());
            Await.until("pings bounce", () -> pinger.roundTrips >= 3 || !loopThread.isAlive());
            assertTrue(pinger.roundTrips >= 3, "served: " + failure.get());
        } finally {
            // stop the loop from its own thread: a dispatcher whose connect throws ExitNow
            Dispatcher stopper = new Dispatcher(map) {
                @Override
                protected void handleConnect() {
                    throw new io.asyncore.ExitNow("done");
                }
            };
            stopper.createSocket(AddressFamily.INET);
            stopper.connect(server.localAddress());
            stopper.addChannel();
            loopThread.join(Await.LIMIT.toMillis() * 2);
        }
        assertFalse(loopThread.isAlive(), "the loop thread ended");
        if (failure.get() != null) {
            throw new AssertionError("the loop failed", failure.get());
        }
    }

    @Test
    void closeAllInsideAHandlerEndsTheLoop() throws IOException {
        // A common Python pattern: a handler calls close_all() to stop, and loop() returns.
        Echo.Server server = new Echo.Server(map);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        Dispatcher stopper = new Dispatcher(map) {
            @Override protected void handleConnect() {}

            @Override
            protected void handleWrite() {
                Asyncore.closeAll(map, false);
            }

            @Override
            public void handleError(Throwable error) {
                errors.add(error);
                super.handleError(error);
            }
        };
        stopper.createSocket(AddressFamily.INET);
        stopper.connect(server.localAddress());
        assertTimeoutPreemptively(HANG, () -> Asyncore.loop(Duration.ofMillis(10), false, map));
        assertTrue(map.isEmpty());
        assertTrue(server.isClosed() && stopper.isClosed());
        assertEquals(List.of(), errors);
        assertFalse(server.isAccepting());
    }

    @Test
    void closeAllOfTheDefaultMapInsideAHandlerEndsTheDefaultLoop() throws IOException {
        Echo.Server server = new Echo.Server(null);
        Dispatcher stopper = new Dispatcher() {
            @Override protected void handleConnect() {}

            @Override
            protected void handleWrite() {
                Asyncore.closeAll();
            }
        };
        stopper.createSocket(AddressFamily.INET);
        stopper.connect(server.localAddress());
        assertTimeoutPreemptively(HANG, () -> Asyncore.loop(Duration.ofMillis(10)));
        assertTrue(ChannelMap.defaultMap().isEmpty());
    }
}
