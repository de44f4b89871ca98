package io.asyncore.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.EventLoop;
import io.asyncore.spi.Engines;
import io.asyncore.testkit.LogCapture;
import io.asyncore.testkit.NoLeaks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The blocked-loop watchdog names a handler that holds the loop thread, and nothing else. */
@ExtendWith(NoLeaks.class)
class WatchdogTest {

    private static final String PROPERTY = "asyncore.blocked.threshold.ms";
    private static final String LOGGER = "io.asyncore.impl.BlockedLoopWatchdog";

    @AfterEach
    void cleanUp() {
        System.clearProperty(PROPERTY);
        Asyncore.closeAll();
    }

    private static EventLoop loop(String name, long thresholdMillis) throws Exception {
        System.setProperty(PROPERTY, Long.toString(thresholdMillis));
        return Engines.get().startEventLoop(name, Duration.ofSeconds(60));
    }

    static void holdTheLoopThread(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aSlowTimerTaskIsLoggedWithTheLoopThreadsStack() throws Exception {
        try (LogCapture logs = LogCapture.of(LOGGER); EventLoop loop = loop("watched", 150)) {
            CountDownLatch done = new CountDownLatch(1);
            loop.schedule(Duration.ofMillis(10), () -> {
                holdTheLoopThread(700);
                done.countDown();
            });
            assertTrue(done.await(20, TimeUnit.SECONDS));
            Thread.sleep(100);
            List<LogRecord> records = logs.records();
            assertEquals(1, records.size(), "one report per blocked pass: " + logs.messages());
            LogRecord r = records.get(0);
            assertTrue(r.getMessage().contains("event loop watched blocked for"), r.getMessage());
            assertTrue(r.getMessage().contains("threshold 150 ms"), r.getMessage());
            boolean named = Arrays.stream(r.getThrown().getStackTrace())
                    .anyMatch(e -> e.getMethodName().equals("holdTheLoopThread"));
            assertTrue(named, "the stack names the blocking method: " + Arrays.toString(r.getThrown().getStackTrace()));
        }
    }

    @Test
    void anIdleLoopAndQuickHandlersAreNotReported() throws Exception {
        // A generous threshold: on a loaded machine the scheduler alone can stall a thread
        // for a while, and that is not what this test is about.
        try (LogCapture logs = LogCapture.of(LOGGER); EventLoop loop = loop("idle", 400)) {
            CountDownLatch ticks = new CountDownLatch(20);
            loop.scheduleAtFixedRate(Duration.ZERO, Duration.ofMillis(20), () -> {
                holdTheLoopThread(5);
                ticks.countDown();
            }); // busy for 5 ms of every 20: never 400 ms in a row
            assertTrue(ticks.await(20, TimeUnit.SECONDS));
            Thread.sleep(400); // and idle in a 60 s select
            assertTrue(logs.records().isEmpty(), "false alarms: " + logs.messages());
        }
    }

    @Test
    void aLoopBusyWithManyShortPassesIsNotReported() throws Exception {
        // A task that queues itself again keeps every pass from waiting (a pass with tasks
        // queued does not block), so the loop never idles for 1.2 s while no pass takes
        // more than a few milliseconds: busy, not blocked.
        try (LogCapture logs = LogCapture.of(LOGGER); EventLoop loop = loop("busy", 300)) {
            CountDownLatch done = new CountDownLatch(1);
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1200);
            Runnable step = new Runnable() {
                @Override
                public void run() {
                    holdTheLoopThread(2);
                    if (System.nanoTime() - end < 0) {
                        loop.execute(this);
                    } else {
                        done.countDown();
                    }
                }
            };
            loop.execute(step);
            assertTrue(done.await(20, TimeUnit.SECONDS));
            assertTrue(logs.records().isEmpty(), "a busy loop reported as blocked: " + logs.messages());
        }
    }

    @Test
    void zeroTurnsTheWatchdogOff() throws Exception {
        long watchdogs;
        try (EventLoop loop = loop("off", 0)) {
            loop.execute(() -> { });
            watchdogs = threadsNamed("asyncore-watchdog");
        }
        assertEquals(0, watchdogs);
    }

    @Test
    void sixteenLoopsShareOneWatchdogThread() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        List<EventLoop> loops = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                loops.add(loop("sixteen-" + i, 2000));
            }
            Set<Thread> added = new HashSet<>(Thread.getAllStackTraces().keySet());
            added.removeAll(before);
            List<String> names = added.stream().map(Thread::getName).sorted().toList();
            assertEquals(16, names.stream().filter(n -> n.startsWith("sixteen-")).count(), names.toString());
            assertEquals(1, threadsNamed("asyncore-watchdog"), names.toString());
            assertEquals(17, added.size(), "16 loop threads and one watchdog: " + names);
        } finally {
            loops.forEach(EventLoop::close);
        }
        assertEquals(0, threadsNamed("asyncore-watchdog"), "the watchdog ends with the last loop");
    }

    private static long threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals(name)).count();
    }
}
