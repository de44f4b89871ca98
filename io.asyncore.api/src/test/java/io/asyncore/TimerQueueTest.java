package io.asyncore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The deadline heap of a map's timers, driven by hand: a {@link ChannelMap} needs no
 * engine until a pass, so {@link TimerQueue#runDue()} is called here as a pass would.
 * Deadlines are set absolutely ({@link TimerQueue#scheduleAt}) in the past, so which
 * timers are due never depends on how fast the test runs.
 */
class TimerQueueTest {

    private final ChannelMap map = new ChannelMap("timers");
    private final TimerQueue timers = map.timers();
    private final List<String> ran = new ArrayList<>();

    private LoopTimer at(long deadline, String name) {
        return timers.scheduleAt(deadline, () -> ran.add(name));
    }

    @Test
    void dueTimersRunByDeadlineThenBySchedulingOrder() {
        long now = System.nanoTime();
        at(now - 3_000, "c");
        at(now - 5_000, "a");
        at(now - 4_000, "b1");
        at(now - 4_000, "b2"); // same deadline: scheduled later, runs later
        at(now + Duration.ofHours(1).toNanos(), "later");
        assertEquals(5, timers.size());
        assertEquals(4, timers.runDue());
        assertEquals(List.of("a", "b1", "b2", "c"), ran);
        assertEquals(1, timers.size(), "the timer an hour ahead still waits");
        assertEquals(0, timers.runDue());
        timers.clear();
    }

    @Test
    void cancellingAnywhereInTheHeapKeepsTheOrderOfTheRest() {
        long now = System.nanoTime();
        Random random = new Random(11);
        record Entry(long deadline, int order, String name, LoopTimer timer) {}
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            long deadline = now - 1 - random.nextInt(1_000_000);
            String name = "t" + i;
            entries.add(new Entry(deadline, i, name, at(deadline, name)));
        }
        List<Entry> kept = new ArrayList<>();
        for (Entry e : entries) {
            if (random.nextBoolean()) {
                assertTrue(e.timer().cancel(), "the first cancel of a waiting timer cancels it");
                assertFalse(e.timer().cancel(), "cancel is idempotent");
                assertTrue(e.timer().isCancelled());
            } else {
                kept.add(e);
            }
        }
        assertEquals(kept.size(), timers.size(), "a cancelled timer leaves the heap at once");
        kept.sort(Comparator.comparingLong((Entry e) -> e.deadline() - now).thenComparingInt(Entry::order));
        assertEquals(kept.size(), timers.runDue());
        assertEquals(kept.stream().map(Entry::name).toList(), ran);
        assertEquals(0, timers.size());
    }

    @Test
    void aOneShotTimerThatRanCannotBeCancelled() {
        LoopTimer t = at(System.nanoTime() - 1, "once");
        assertEquals(1, timers.runDue());
        assertFalse(t.cancel(), "it ran");
        assertFalse(t.isCancelled());
        assertFalse(t.isPeriodic());
    }

    @Test
    void aTimerScheduledByATaskWaitsForTheNextPass() {
        long now = System.nanoTime();
        timers.scheduleAt(now - 1, () -> {
            ran.add("first");
            at(now - 2, "scheduled by first"); // earlier deadline, still not in this pass
        });
        assertEquals(1, timers.runDue());
        assertEquals(List.of("first"), ran);
        assertEquals(1, timers.runDue());
        assertEquals(List.of("first", "scheduled by first"), ran);
    }

    @Test
    void fixedRateSkipsMissedRunsAndStaysAlignedToItsFirstDeadline() {
        Duration period = Duration.ofSeconds(3);
        // Its first deadline 10 s ago: runs at -10, -7, -4 and -1 s were missed.
        LoopTimer t = timers.scheduleAtFixedRate(Duration.ofSeconds(-10), period, () -> ran.add("tick"));
        long first = t.deadline;
        assertTrue(t.isPeriodic());
        assertEquals(1, timers.runDue(), "one run, not a burst replaying the missed ones");
        assertEquals(List.of("tick"), ran);
        assertEquals(1, timers.size(), "a periodic timer is rescheduled");
        assertEquals(first + 4 * period.toNanos(), t.deadline, "the next run is at +2 s, on the original grid");
        assertEquals(0, timers.runDue(), "not due again yet");
        assertTrue(t.cancel());
        assertEquals(0, timers.size());
        assertFalse(t.cancel());
    }

    @Test
    void waitIsTheLoopTimeoutShortenedToTheNextDeadline() {
        assertEquals(60_000, timers.waitMillis(60_000), "no timer: the loop's own timeout");
        LoopTimer soon = timers.schedule(Duration.ofSeconds(10), () -> ran.add("soon"));
        long wait = timers.waitMillis(60_000);
        assertTrue(wait > 5_000 && wait <= 10_000, "waits until the timer, rounded up to whole ms: " + wait);
        assertEquals(5, timers.waitMillis(5), "never longer than the loop's timeout");
        assertEquals(0, timers.waitMillis(0), "a timeout of 0 does not wait");
        at(System.nanoTime() - 1, "due");
        assertEquals(0, timers.waitMillis(60_000), "a due timer: no wait");
        assertTrue(soon.cancel());
        timers.clear();
    }

    @Test
    void clearCancelsEveryTimer() {
        LoopTimer a = timers.schedule(Duration.ofHours(1), () -> ran.add("a"));
        LoopTimer b = timers.scheduleAtFixedRate(Duration.ZERO, Duration.ofSeconds(1), () -> ran.add("b"));
        timers.clear();
        assertEquals(0, timers.size());
        assertTrue(a.isCancelled());
        assertTrue(b.isCancelled());
        assertEquals(0, timers.runDue());
        assertEquals(List.of(), ran);
    }

    @Test
    void misuseIsRefusedNamingTheArgument() {
        NullPointerException noTask = assertThrows(NullPointerException.class, () -> timers.schedule(Duration.ZERO, null));
        assertTrue(noTask.getMessage().contains("task"), noTask.getMessage());
        NullPointerException noDelay = assertThrows(NullPointerException.class, () -> timers.schedule(null, () -> { }));
        assertTrue(noDelay.getMessage().contains("delay"), noDelay.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> timers.scheduleAtFixedRate(Duration.ZERO, Duration.ZERO, () -> { }));
        assertTrue(zero.getMessage().contains("period"), zero.getMessage());
        assertEquals(0, timers.size(), "nothing was scheduled");
    }
}
