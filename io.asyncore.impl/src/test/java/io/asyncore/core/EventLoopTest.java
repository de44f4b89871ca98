package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import io.asyncore.ExitNow;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.LogCapture;
import io.asyncore.testkit.LoopbackPair;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link EventLoop}: tasks from many threads, dispatchers made on other threads, shutdown. */
@ExtendWith(NoLeaks.class)
class EventLoopTest {

    private static final int THREADS = 8;
    private static final int TASKS = 2_000;

    private EventLoop loop;

    @AfterEach
    void tearDown() {
        if (loop != null) {
            loop.close();
        }
    }

    /** The loop's thread, found from inside it. */
    private static Thread loopThread(EventLoop loop) throws InterruptedException {
        AtomicReference<Thread> thread = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(() -> {
            thread.set(Thread.currentThread());
            done.countDown();
        });
        assertTrue(done.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS), "task ran");
        return thread.get();
    }

    @Test
    void aTaskThatQueuesItselfAgainLeavesRoomForPassesAndEvents() throws Exception {
        loop = EventLoop.start("core-test-requeue");
        try (LoopbackPair pair = LoopbackPair.open()) {
            CountDownLatch read = new CountDownLatch(1);
            Dispatcher reader = new Dispatcher(pair.near(), loop.map()) {
                @Override
                public boolean writable() {
                    return false;
                }

                @Override
                protected void handleRead() throws IOException {
                    if (recv(16).length > 0) {
                        read.countDown();
                    }
                }
            };
            loop.register(reader);
            AtomicBoolean starved = new AtomicBoolean();
            long giveUp = System.nanoTime() + Await.LIMIT.toNanos();
            CountDownLatch chainEnded = new CountDownLatch(1);
            loop.execute(new Runnable() {
                @Override
                public void run() {
                    if (read.getCount() == 0) {
                        chainEnded.countDown();
                    } else if (System.nanoTime() - giveUp > 0) {
                        starved.set(true); // the event never came while this task kept the loop
                        chainEnded.countDown();
                    } else {
                        loop.execute(this);
                    }
                }
            });
            pair.far().write(ByteBuffer.wrap(new byte[] {42}));
            assertTrue(chainEnded.await(Await.LIMIT.toSeconds() + 5, TimeUnit.SECONDS), "the chain ended");
            assertFalse(starved.get(), "a task queuing itself again kept the loop from its passes");
        }
    }

    @Test
    void executeFromEightThreadsRunsEveryTaskOnceOnTheLoopThreadInOrder() throws Exception {
        loop = EventLoop.start("core-test-execute");
        Thread loopThread = loopThread(loop);
        List<int[]> ran = new ArrayList<>(); // touched on the loop thread only
        AtomicBoolean offThread = new AtomicBoolean();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Thread> submitters = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            Thread s = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < TASKS; i++) {
                        int seq = i;
                        loop.execute(() -> {
                            if (Thread.currentThread() != loopThread || !loop.inEventLoop()) {
                                offThread.set(true);
                            }
                            ran.add(new int[] {id, seq});
                        });
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "submitter-" + t);
            submitters.add(s);
            s.start();
        }
        for (Thread s : submitters) {
            s.join(Await.LIMIT.toMillis() * 2);
            assertFalse(s.isAlive(), s.getName() + " ended");
        }
        if (failure.get() != null) {
            throw new AssertionError("a submitter failed", failure.get());
        }
        CountDownLatch drained = new CountDownLatch(1);
        List<int[]> copy = new ArrayList<>();
        loop.execute(() -> {
            copy.addAll(ran);
            drained.countDown();
        });
        assertTrue(drained.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS), "all tasks ran");
        assertFalse(offThread.get(), "every task ran on the loop thread");
        assertEquals(THREADS * TASKS, copy.size());
        int[] next = new int[THREADS];
        for (int[] r : copy) {
            assertEquals(next[r[0]], r[1], "thread " + r[0] + "'s tasks run in the order given");
            next[r[0]]++;
        }
        for (int t = 0; t < THREADS; t++) {
            assertEquals(TASKS, next[t]);
        }
        assertFalse(loop.inEventLoop());
    }

    @Test
    void dispatchersMadeOnAnotherThreadJoinTheLoopAndEcho() throws Exception {
        loop = EventLoop.start("core-test-echo");
        ChannelMap map = loop.map();
        // Made here, on the test thread, while the loop runs: they take part from the next pass.
        Echo.Server server = new Echo.Server(map);
        Echo.Pinger pinger = new Echo.Pinger(map, server.localAddress());
        Await.until("pings bounce on the loop thread", () -> pinger.roundTrips >= 20);
        assertEquals(List.of(), server.errors);
        assertEquals(List.of(), pinger.errors());
        Thread thread = loopThread(loop);
        loop.close();
        assertTrue(loop.isClosed());
        assertFalse(thread.isAlive(), "close() joined the loop thread");
        assertTrue(server.isClosed() && pinger.isClosed(), "close() closed every dispatcher");
        assertTrue(map.isEmpty());
    }

    @Test
    void aDispatcherMadeInsideATaskJoinsTheLoopsMap() throws Exception {
        loop = EventLoop.start("core-test-inside");
        AtomicReference<Echo.Server> server = new AtomicReference<>();
        CountDownLatch made = new CountDownLatch(1);
        loop.execute(() -> {
            try {
                server.set(new Echo.Server(null));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            made.countDown();
        });
        assertTrue(made.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS));
        assertSame(loop.map(), server.get().map(), "null map on the loop thread means the loop's map");
        assertTrue(loop.map().contains(server.get()));
        assertFalse(ChannelMap.defaultMap().contains(server.get()));
    }

    @Test
    void aFailingTaskIsLoggedAndTheLoopGoesOn() throws Exception {
        loop = EventLoop.start("core-test-failing-task");
        try (LogCapture log = LogCapture.of("io.asyncore.LoopThread")) {
            loop.execute(() -> {
                throw new IllegalStateException("task failed");
            });
            Thread thread = loopThread(loop);
            assertTrue(thread.isAlive());
            assertFalse(loop.isClosed());
            assertEquals(1, log.records().size());
            assertEquals("task failed", log.records().get(0).getThrown().getMessage());
        }
    }

    @Test
    void exitNowFromATaskClosesTheLoop() throws Exception {
        loop = EventLoop.start("core-test-exit");
        Thread thread = loopThread(loop);
        Echo.Server server = new Echo.Server(loop.map());
        loop.execute(() -> {
            throw new ExitNow("enough");
        });
        thread.join(Await.LIMIT.toMillis());
        assertFalse(thread.isAlive(), "the loop thread ended");
        assertTrue(loop.isClosed());
        assertTrue(server.isClosed(), "its dispatchers were closed");
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> {}));
        loop.close(); // after the thread ended: opens nothing, waits for nothing
    }

    @Test
    void closeIsIdempotentAndRejectsLaterTasks() throws Exception {
        loop = EventLoop.start("core-test-close");
        Thread thread = loopThread(loop);
        loop.close();
        loop.close();
        assertFalse(thread.isAlive());
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> {}));
        assertTrue(e.getMessage().contains("core-test-close"), e.getMessage());
        ChannelMap other = new ChannelMap();
        Echo.Server server = new Echo.Server(other);
        assertThrows(RejectedExecutionException.class, () -> loop.register(server));
        assertTrue(other.contains(server), "a rejected dispatcher stays where it was");
        Asyncore.closeAll(other, false);
    }

    @Test
    void closeFromTheLoopThreadStopsAfterThePass() throws Exception {
        loop = EventLoop.start("core-test-self-close");
        Thread thread = loopThread(loop);
        loop.execute(loop::close);
        thread.join(Await.LIMIT.toMillis());
        assertFalse(thread.isAlive());
        assertTrue(loop.isClosed());
    }

    @Test
    void misuseOfTheLoopIsRefusedNamingTheCause() throws Exception {
        loop = EventLoop.start("core-test-misuse");
        NullPointerException task = assertThrows(NullPointerException.class, () -> loop.execute(null));
        assertTrue(task.getMessage().contains("task"), task.getMessage());
        NullPointerException dispatcher = assertThrows(NullPointerException.class, () -> loop.register(null));
        assertTrue(dispatcher.getMessage().contains("dispatcher"), dispatcher.getMessage());
        IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class,
                () -> io.asyncore.spi.Engines.get().startEventLoop("bad", java.time.Duration.ofMillis(-1)));
        assertTrue(timeout.getMessage().contains("timeout"), timeout.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> io.asyncore.spi.Engines.get().startEventLoop("bad", java.time.Duration.ZERO));
        assertThrows(NullPointerException.class, () -> EventLoop.start(null));
        assertTrue(loopThread(loop).isAlive(), "the loop is unharmed");
    }

    @Test
    void unixClientsConnectingFromAnotherThreadSeeOneConnectEventEach(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        // A Unix-domain connect completes inside connect(), which runs handleConnect at once
        // (Python: connect_ex returns 0, handle_connect_event). The loop, busy with other
        // traffic, must not see the half-made connection and run handleConnect too.
        loop = EventLoop.start("core-test-unix-connect");
        ChannelMap map = loop.map();
        Echo.Server tcp = new Echo.Server(map);
        Echo.Pinger busy = new Echo.Pinger(map, tcp.localAddress());
        java.net.SocketAddress path = java.net.UnixDomainSocketAddress.of(tmp.resolve("s"));
        io.asyncore.Dispatcher server = new io.asyncore.Dispatcher(map) {
            @Override
            protected void handleAccepted(java.nio.channels.SocketChannel channel, java.net.SocketAddress address) {
                new io.asyncore.Dispatcher(channel, null) {
                    @Override public boolean writable() { return false; }
                    @Override protected void handleRead() throws java.io.IOException { recv(64); }
                };
            }
        };
        server.createSocket(io.asyncore.AddressFamily.UNIX);
        server.bind(path);
        server.listen(256);
        server.addChannel(); // made on this thread: joins once complete
        Await.until("loop busy", () -> busy.roundTrips > 10);
        java.util.concurrent.atomic.AtomicInteger connects = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger writesBeforeConnect = new java.util.concurrent.atomic.AtomicInteger();
        int clients = 200;
        for (int i = 0; i < clients; i++) {
            io.asyncore.Dispatcher client = new io.asyncore.Dispatcher(map) {
                boolean seen;

                @Override
                protected void handleConnect() {
                    seen = true;
                    connects.incrementAndGet();
                }

                @Override
                protected void handleWrite() {
                    if (!seen) {
                        writesBeforeConnect.incrementAndGet();
                    }
                }

                @Override
                protected void handleRead() throws java.io.IOException {
                    recv(64);
                }
            };
            client.createSocket(io.asyncore.AddressFamily.UNIX);
            client.connect(path);
            client.addChannel();
        }
        Await.until("all connected", () -> connects.get() >= clients);
        // let the loop run a while over the new connections
        int trips = busy.roundTrips;
        Await.until("loop ran on", () -> busy.roundTrips > trips + 20);
        assertEquals(clients, connects.get(), "handleConnect once per client");
        assertEquals(0, writesBeforeConnect.get());
        assertEquals(List.of(), busy.errors());
    }

    @Test
    void registerMovesADispatcherIntoTheLoop() throws Exception {
        loop = EventLoop.start("core-test-register");
        ChannelMap elsewhere = new ChannelMap("elsewhere");
        Echo.Server server = new Echo.Server(elsewhere);
        loop.register(server);
        Await.until("registered", () -> loop.map().contains(server));
        assertFalse(elsewhere.contains(server));
        Echo.Pinger pinger = new Echo.Pinger(loop.map(), server.localAddress());
        Await.until("echo through the registered server", () -> pinger.roundTrips >= 3);
        Asyncore.closeAll(elsewhere, true); // releases its backend
    }
}
