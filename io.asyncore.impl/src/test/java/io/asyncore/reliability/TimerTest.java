package io.asyncore.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.EventLoop;
import io.asyncore.ExitNow;
import io.asyncore.LoopTimer;
import io.asyncore.spi.Engines;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.LogCapture;
import io.asyncore.testkit.NoLeaks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Timers on the loop: one-shot, periodic, cancelled, woken from other threads, bounding the wait. */
@ExtendWith(NoLeaks.class)
class TimerTest {

    @AfterEach
    void cleanUp() {
        Asyncore.closeAll();
    }

    /** A loop whose select would wait a minute: only the timer's deadline can end the wait early. */
    /**
     * Runs the due timers of {@code map} with one pass that does not wait, as a loop's pass
     * would, and returns how many ran.
     */
    private static int runDue(ChannelMap map) throws java.io.IOException {
        long before = map.counters().timersRun();
        io.asyncore.spi.LoopDriver.pass(map, 0);
        io.asyncore.spi.LoopDriver.release(map);
        return (int) (map.counters().timersRun() - before);
    }

    private static EventLoop slowLoop(String name) throws Exception {
        return Engines.get().startEventLoop(name, Duration.ofSeconds(60));
    }

    @Test
    void scheduledTaskRunsOnTheLoopThreadAndWakesAWaitingSelect() throws Exception {
        try (EventLoop loop = slowLoop("timer-wake")) {
            Thread.sleep(100); // the loop is now waiting in select with a 60 s timeout
            AtomicReference<Boolean> onLoop = new AtomicReference<>();
            CountDownLatch ran = new CountDownLatch(1);
            loop.schedule(Duration.ofMillis(20), () -> {
                onLoop.set(loop.inEventLoop());
                ran.countDown();
            });
            // Without the wake-up and the shortened wait this takes 60 s.
            assertTrue(ran.await(10, TimeUnit.SECONDS), "timer did not run while the loop waited");
            assertEquals(Boolean.TRUE, onLoop.get());
        }
    }

    @Test
    void cancelledTimerNeverRuns() throws Exception {
        try (EventLoop loop = slowLoop("timer-cancel")) {
            AtomicInteger runs = new AtomicInteger();
            LoopTimer t = loop.schedule(Duration.ofMillis(100), runs::incrementAndGet);
            assertTrue(t.cancel());
            assertFalse(t.cancel(), "second cancel reports nothing to cancel");
            assertTrue(t.isCancelled());
            CountDownLatch later = new CountDownLatch(1);
            loop.schedule(Duration.ofMillis(300), later::countDown);
            assertTrue(later.await(10, TimeUnit.SECONDS));
            assertEquals(0, runs.get());
            assertEquals(0, loop.map().timers().size());
        }
    }

    @Test
    void periodicTimerRepeatsUntilCancelledAndSurvivesItsOwnException() throws Exception {
        try (LogCapture log = LogCapture.of("io.asyncore.TimerQueue"); EventLoop loop = slowLoop("timer-periodic")) {
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch five = new CountDownLatch(5);
            LoopTimer t = loop.scheduleAtFixedRate(Duration.ZERO, Duration.ofMillis(10), () -> {
                runs.incrementAndGet();
                five.countDown();
                throw new IllegalStateException("a failing periodic task keeps its schedule");
            });
            assertTrue(t.isPeriodic());
            assertTrue(five.await(10, TimeUnit.SECONDS), "periodic task stopped after " + runs.get());
            assertTrue(t.cancel());
            CountDownLatch fence = new CountDownLatch(1);
            loop.execute(fence::countDown);
            assertTrue(fence.await(10, TimeUnit.SECONDS));
            int after = runs.get();
            Thread.sleep(100);
            assertEquals(after, runs.get(), "ran after cancel");
            assertEquals(after, log.messages().size(), "one line per failed run: " + log.messages());
        }
    }

    @Test
    void timersRunInDeadlineOrder() throws Exception {
        ChannelMap map = new ChannelMap("order");
        List<Integer> order = new ArrayList<>();
        // The tasks are made first: linking a lambda can take longer than the 10 ms between
        // two deadlines on a loaded machine, and the deadlines count from each schedule call.
        Runnable three = () -> order.add(3);
        Runnable one = () -> order.add(1);
        Runnable two = () -> order.add(2);
        Runnable twentyTwo = () -> order.add(22);
        map.timers().schedule(Duration.ofMillis(30), three);
        map.timers().schedule(Duration.ofMillis(10), one);
        map.timers().schedule(Duration.ofMillis(20), two);
        map.timers().schedule(Duration.ofMillis(20), twentyTwo); // same deadline: FIFO
        Thread.sleep(60);
        assertEquals(4, runDue(map));
        assertEquals(List.of(1, 2, 22, 3), order);
    }

    @Test
    void theHeapKeepsDeadlineOrderThroughRandomCancels() throws Exception {
        ChannelMap map = new ChannelMap("heap");
        java.util.Random random = new java.util.Random(5);
        int n = 5000;
        List<Long> ran = new ArrayList<>();
        List<LoopTimer> timers = new ArrayList<>();
        long[] offsets = new long[n];
        for (int i = 0; i < n; i++) {
            // All in the past, so all are due: runDue must run them by deadline.
            long offset = -1 - random.nextInt(1_000_000);
            offsets[i] = offset;
            // Seconds apart, so the time spent scheduling cannot reorder them.
            timers.add(map.timers().schedule(Duration.ofSeconds(offset), () -> ran.add(offset)));
        }
        int cancelled = 0;
        for (int i = 0; i < n; i++) {
            if (random.nextInt(3) == 0 && timers.get(i).cancel()) {
                offsets[i] = Long.MIN_VALUE;
                cancelled++;
            }
        }
        assertEquals(n - cancelled, map.timers().size());
        assertEquals(n - cancelled, runDue(map));
        List<Long> expected = new ArrayList<>();
        for (long o : offsets) {
            if (o != Long.MIN_VALUE) {
                expected.add(o);
            }
        }
        expected.sort(null);
        assertEquals(expected, ran, "timers ran out of deadline order, or a cancelled one ran");
        assertEquals(0, map.timers().size());
    }

    @Test
    void asyncoreLoopOverAMapWaitsOnlyUntilTheNextTimer() {
        ChannelMap map = new ChannelMap("loop-timer");
        Echo.Server server = assertDoesNotThrowServer(map);
        AtomicInteger ran = new AtomicInteger();
        map.timers().schedule(Duration.ofMillis(50), ran::incrementAndGet);
        try {
            // One pass with a 60 s timeout: it must come back at the timer's deadline, having
            // run it. Without the shortened wait the pass would block for a minute.
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                while (ran.get() == 0) {
                    Asyncore.loop(Duration.ofSeconds(60), false, map, 1);
                }
            });
            assertEquals(1, ran.get());
        } finally {
            Asyncore.closeAll(map, true);
        }
        assertEquals(0, map.timers().size(), "closeAll cancels the map's timers");
        assertTrue(server.isClosed());
    }

    @Test
    void timerScheduledByATimerWaitsForTheNextPass() throws Exception {
        ChannelMap map = new ChannelMap("nested");
        AtomicInteger runs = new AtomicInteger();
        Runnable[] self = new Runnable[1];
        self[0] = () -> {
            runs.incrementAndGet();
            map.timers().schedule(Duration.ZERO, self[0]); // would spin forever if run in the same pass
        };
        map.timers().schedule(Duration.ZERO, self[0]);
        assertEquals(1, runDue(map));
        assertEquals(1, runDue(map));
        assertEquals(2, runs.get());
        map.timers().clear();
    }

    @Test
    void exitNowFromATimerLeavesAsyncoreLoop() throws Exception {
        ChannelMap map = new ChannelMap("exit");
        assertDoesNotThrowServer(map);
        map.timers().schedule(Duration.ofMillis(10), () -> {
            throw new ExitNow("timer says stop");
        });
        try {
            ExitNow e = assertThrows(ExitNow.class, () -> Asyncore.loop(Duration.ofSeconds(60), false, map));
            assertEquals("timer says stop", e.getMessage());
        } finally {
            Asyncore.closeAll(map, true);
        }
    }

    @Test
    void closedLoopRejectsTimersAndCancelsPendingOnes() throws Exception {
        EventLoop loop = slowLoop("timer-closed");
        LoopTimer pending = loop.schedule(Duration.ofHours(1), () -> { });
        loop.close();
        assertTrue(pending.isCancelled(), "closing the loop cancels its timers");
        assertThrows(RejectedExecutionException.class, () -> loop.schedule(Duration.ZERO, () -> { }));
        assertSame(loop.map(), loop.map().timers().map());
    }

    private static Echo.Server assertDoesNotThrowServer(ChannelMap map) {
        try {
            return new Echo.Server(map, (c, m) -> new Echo.Handler(c, m));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
