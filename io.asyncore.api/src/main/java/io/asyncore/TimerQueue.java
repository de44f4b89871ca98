package io.asyncore;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Arrays;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A {@link ChannelMap}'s timers, and the clock of its passes.
 *
 * <p>Every map owns one ({@link ChannelMap#timers()}). Whoever drives the map runs its
 * timers: a pass waits no longer than the next deadline (the select timeout becomes the
 * smaller of the loop's timeout and the time left to the next timer), then runs the
 * timers that are due, on the loop thread, after the pass's I/O events. So
 * {@link Asyncore#loop} over a map and an {@link EventLoop} both honour them. As in
 * Python, {@link Asyncore#loop()} still ends when the map holds no dispatcher: timers
 * alone do not keep it running (an {@link EventLoop} runs until closed).
 *
 * <p>Threading: scheduling and cancelling are thread-safe; scheduling from another thread
 * a timer that becomes the earliest wakes a waiting pass. Tasks run on the loop thread.
 * A task that throws is logged and does not stop the loop or its other timers (a periodic
 * task keeps its schedule); {@link ExitNow} and {@link VirtualMachineError} propagate
 * out of the pass like any hook's.
 *
 * <p>Implementation: a binary heap ordered by deadline then by scheduling order, with
 * O(log n) cancel, so closed dispatchers leave no dead entries.
 */
@ProviderType
public final class TimerQueue {

    private static final System.Logger LOG = io.asyncore.spi.Logging.logger(TimerQueue.class.getName());

    private final ChannelMap map;
    private LoopTimer[] heap = new LoopTimer[16];
    // Written under the lock; volatile so that a pass finds no timer without taking it.
    private volatile int size;
    private long sequence;

    TimerQueue(ChannelMap map) {
        this.map = map;
    }

    /**
     * The map whose timers these are.
     *
     * @return the map
     */
    public ChannelMap map() {
        return map;
    }

    /**
     * Runs {@code task} once, on the loop thread, after {@code delay}.
     *
     * @param delay how long from now; zero or negative means the next pass
     * @param task the task
     * @return the timer, to cancel it
     */
    public LoopTimer schedule(Duration delay, Runnable task) {
        return add(task, System.nanoTime() + nanos(delay, "delay"), 0);
    }

    /**
     * Runs {@code task} after {@code initialDelay}, then every {@code period}, on the loop
     * thread, until cancelled. Runs missed while the loop was busy are skipped, not
     * replayed in a burst; the schedule stays aligned to the first deadline.
     *
     * @param initialDelay until the first run
     * @param period between the starts of two runs; positive
     * @param task the task
     * @return the timer, to cancel it
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    public LoopTimer scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
        long p = nanos(period, "period");
        if (p <= 0) {
            throw new IllegalArgumentException("scheduleAtFixedRate: period must be positive, got " + period);
        }
        return add(task, System.nanoTime() + nanos(initialDelay, "initialDelay"), p);
    }

    /** Schedules at an absolute {@link System#nanoTime()} deadline; for timeouts. */
    LoopTimer scheduleAt(long deadlineNanos, Runnable task) {
        return add(task, deadlineNanos, 0);
    }

    /**
     * How many timers wait.
     *
     * @return the count of scheduled, not yet run, uncancelled timers
     */
    public synchronized int size() {
        return size;
    }

    /**
     * Cancels every timer. {@link Asyncore#closeAll} and a closing {@link EventLoop}
     * call this so no task outlives its map's dispatchers.
     */
    public void clear() {
        synchronized (this) {
            for (int i = 0; i < size; i++) {
                heap[i].index = -1;
                heap[i].markCancelled();
                heap[i] = null;
            }
            size = 0;
        }
    }

    /**
     * For the pass, just before it waits: the wait to use, which is {@code timeoutMillis}
     * (0: do not wait) shortened to the next deadline, rounded up to a whole millisecond so
     * a pass never wakes just before its timer; 0 when a timer is already due.
     */
    long waitMillis(long timeoutMillis) {
        if (timeoutMillis == 0 || size == 0) {
            return timeoutMillis;
        }
        long deadline;
        synchronized (this) {
            if (size == 0) {
                return timeoutMillis;
            }
            deadline = heap[0].deadline;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return 0;
        }
        long millis = (left + 999_999) / 1_000_000;
        return Math.min(millis, timeoutMillis);
    }

    /**
     * For the pass, once on the loop thread: runs every timer whose deadline has come.
     * Timers scheduled by these tasks wait for the next pass, so one pass is bounded.
     * Returns how many tasks ran; throws {@link ExitNow} when a task throws it.
     */
    int runDue() {
        if (size == 0) {
            return 0; // no clock read for a map without timers
        }
        long now = System.nanoTime();
        long lastSequence;
        synchronized (this) {
            if (size == 0 || heap[0].deadline - now > 0) {
                return 0;
            }
            lastSequence = sequence;
        }
        int ran = 0;
        while (true) {
            LoopTimer t;
            synchronized (this) {
                if (size == 0) {
                    break;
                }
                t = heap[0];
                if (t.deadline - now > 0 || t.sequence >= lastSequence) {
                    break;
                }
                removeAt(0);
            }
            ran++;
            try {
                t.task.run();
            } catch (ExitNow | VirtualMachineError e) {
                reschedule(t, now);
                throw e;
            } catch (Throwable e) {
                LOG.log(Level.ERROR, "timer task " + t.task + " on " + map + " failed", e);
            }
            reschedule(t, now);
        }
        map.counters().countTimers(ran);
        return ran;
    }

    private void reschedule(LoopTimer t, long now) {
        if (t.periodNanos <= 0) {
            return;
        }
        synchronized (this) {
            if (t.isCancelled() || t.index >= 0) {
                return;
            }
            long next = t.deadline + t.periodNanos;
            if (next - now <= 0) {
                // Skip the runs missed while the loop was busy, keeping the alignment.
                long missed = (now - next) / t.periodNanos + 1;
                next += missed * t.periodNanos;
            }
            t.deadline = next;
            t.sequence = sequence++;
            insert(t);
        }
    }

    boolean cancel(LoopTimer t) {
        synchronized (this) {
            if (t.isCancelled()) {
                return false;
            }
            if (t.index >= 0) {
                removeAt(t.index);
            } else if (t.periodNanos <= 0) {
                return false; // a one-shot timer that ran, or is running
            }
            t.markCancelled();
            return true;
        }
    }

    private LoopTimer add(Runnable task, long deadline, long period) {
        if (task == null) {
            throw new NullPointerException("timer task is null");
        }
        LoopTimer t = new LoopTimer(this, task, deadline, period);
        boolean earliest;
        synchronized (this) {
            t.sequence = sequence++;
            insert(t);
            earliest = t.index == 0;
        }
        if (earliest) {
            map.wakePoller();
        }
        return t;
    }

    private static long nanos(Duration d, String what) {
        if (d == null) {
            throw new NullPointerException(what + " is null");
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE / 4 : Long.MAX_VALUE / 4;
        }
    }

    // ------------------------------------------------------------------ heap, under the lock

    private static boolean before(LoopTimer a, LoopTimer b) {
        long d = a.deadline - b.deadline;
        return d < 0 || (d == 0 && a.sequence < b.sequence);
    }

    private void insert(LoopTimer t) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        siftUp(size++, t);
    }

    private void removeAt(int i) {
        LoopTimer removed = heap[i];
        LoopTimer last = heap[--size];
        heap[size] = null;
        removed.index = -1;
        if (i == size) {
            return;
        }
        siftDown(i, last);
        if (heap[i] == last) {
            siftUp(i, last);
        }
    }

    private void siftUp(int i, LoopTimer t) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            LoopTimer p = heap[parent];
            if (!before(t, p)) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = t;
        t.index = i;
    }

    private void siftDown(int i, LoopTimer t) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            LoopTimer c = heap[child];
            int right = child + 1;
            if (right < size && before(heap[right], c)) {
                child = right;
                c = heap[child];
            }
            if (!before(c, t)) {
                break;
            }
            heap[i] = c;
            c.index = i;
            i = child;
        }
        heap[i] = t;
        t.index = i;
    }

    @Override
    public String toString() {
        return "TimerQueue[" + map + ", " + size() + " timers]";
    }
}
