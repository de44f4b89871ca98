package io.asyncore.impl;

import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.impl.jfr.FlightEvents;
import io.asyncore.spi.LoopCounters;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Finds a handler that holds an event loop's thread too long, as Vert.x's blocked-thread
 * checker does. One daemon thread, {@value #THREAD_NAME}, watches every loop of the JVM:
 * it runs while at least one loop is watched, wakes every quarter of the smallest
 * threshold and compares now with each loop's {@link io.asyncore.spi.LoopCounters#busySinceNanos()}, the
 * time the loop thread last stopped waiting for readiness (written once per pass, so the
 * loop pays nothing per event), and with its pass count, which shows a loop that passes
 * again and again without waiting to be moving. A pass busy for longer than the threshold is reported
 * once: a WARNING with the loop thread's stack naming the dispatcher whose hook runs, a
 * count in the loop's counters, and a flight recorder event.
 *
 * <p>The threshold is {@value #THRESHOLD_PROPERTY} in milliseconds (system property,
 * read when a loop starts; default 2000 as in Vert.x; 0 leaves that loop unwatched).
 */
final class BlockedLoopWatchdog implements Runnable {

    /** System property giving the blocked-loop threshold in milliseconds; 0 disables. */
    static final String THRESHOLD_PROPERTY = "asyncore.blocked.threshold.ms";
    /** The threshold unless {@link #THRESHOLD_PROPERTY} says otherwise. */
    static final Duration DEFAULT_THRESHOLD = Duration.ofSeconds(2);
    /** The name of the one watchdog thread. */
    static final String THREAD_NAME = "asyncore-watchdog";

    private static final System.Logger LOG = io.asyncore.spi.Logging.logger(BlockedLoopWatchdog.class.getName());
    private static final CopyOnWriteArrayList<Watch> WATCHES = new CopyOnWriteArrayList<>();
    private static final Object LOCK = new Object();
    /** The running watchdog thread, or null while no loop is watched. Guarded by LOCK. */
    private static Thread running;

    /** One watched loop. */
    static final class Watch {
        private final String loopName;
        private final Thread loopThread;
        private final ChannelMap map;
        private final long thresholdNanos;
        /** When the pass reported last began, at the latest; watchdog thread only. */
        private long reported;
        /** The loop's pass count when the watchdog last saw it change; watchdog thread only. */
        private long passes;
        /** When the watchdog saw the pass count change; watchdog thread only. */
        private long passesSeenAt;

        private Watch(String loopName, Thread loopThread, ChannelMap map, long thresholdNanos) {
            this.loopName = loopName;
            this.loopThread = loopThread;
            this.map = map;
            this.thresholdNanos = thresholdNanos;
        }
    }

    private BlockedLoopWatchdog() {}

    /**
     * Starts watching a loop, unless {@code threshold} is 0; starts the watchdog thread if
     * it is the first.
     *
     * @param threshold how long a pass may take, such as {@link #threshold()}
     * @return the watch to pass to {@link #unwatch}, or null when turned off
     */
    static Watch watch(String loopName, Thread loopThread, ChannelMap map, Duration threshold) {
        long millis = threshold.toMillis();
        if (millis == 0) {
            return null;
        }
        Watch w = new Watch(loopName, loopThread, map, millis * 1_000_000L);
        synchronized (LOCK) {
            WATCHES.add(w);
            if (running == null) {
                running = new Thread(new BlockedLoopWatchdog(), THREAD_NAME);
                running.setDaemon(true);
                running.start();
            } else {
                LockSupport.unpark(running); // a smaller threshold may need a shorter interval
            }
        }
        return w;
    }

    /**
     * Stops watching a loop; after the last one, stops the watchdog thread and waits for
     * it, so that no thread outlives the loops. Any thread but the watchdog's.
     */
    static void unwatch(Watch w) {
        Thread ending = null;
        synchronized (LOCK) {
            WATCHES.remove(w);
            if (WATCHES.isEmpty() && running != null) {
                ending = running;
                running = null;
            }
        }
        if (ending != null) {
            LockSupport.unpark(ending);
            Threads.joinUninterruptibly(ending);
        }
    }

    static Duration threshold() {
        String value = System.getProperty(THRESHOLD_PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_THRESHOLD;
        }
        long millis;
        try {
            millis = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(THRESHOLD_PROPERTY + " must be a number of milliseconds, got '"
                    + value + "'", e);
        }
        if (millis < 0) {
            throw new IllegalArgumentException(THRESHOLD_PROPERTY + " must be 0 or more, got " + millis);
        }
        return Duration.ofMillis(millis);
    }

    @Override
    public void run() {
        while (true) {
            synchronized (LOCK) {
                if (running != Thread.currentThread()) {
                    return;
                }
            }
            long interval = Long.MAX_VALUE;
            for (Watch w : WATCHES) {
                check(w);
                interval = Math.min(interval, w.thresholdNanos / 4);
            }
            LockSupport.parkNanos(this, Math.max(1_000_000L, interval));
        }
    }

    /**
     * The loop stamps its busy-since time only when a pass ends a wait, so a loop making
     * pass after pass without waiting (tasks keep coming) keeps an old stamp. A change in
     * its pass count shows that such a loop moves: the pass running now began after the
     * count was last seen to change, and only a pass that runs past the threshold from
     * there, or from the stamp if later, is blocked.
     */
    private static void check(Watch w) {
        LoopCounters counters = w.map.counters();
        long since = counters.busySinceNanos();
        if (since == 0) {
            return; // waiting for readiness
        }
        long now = System.nanoTime();
        long passes = counters.passes();
        if (passes != w.passes) {
            w.passes = passes;
            w.passesSeenAt = now;
        }
        long began = w.passesSeenAt - since > 0 ? w.passesSeenAt : since;
        long busy = now - began;
        if (began == w.reported || busy < w.thresholdNanos) {
            return;
        }
        w.reported = began; // once per pass
        Dispatcher running = w.map.counters().running();
        String repr = running == null ? null : FlightEvents.repr(running);
        Throwable where = new Throwable("event loop thread " + w.loopThread.getName() + " is here");
        where.setStackTrace(w.loopThread.getStackTrace());
        LOG.log(Level.WARNING, "event loop " + w.loopName + " blocked for " + busy / 1_000_000 + " ms (threshold "
                + w.thresholdNanos / 1_000_000 + " ms): a handler is holding the loop thread"
                + (repr == null ? "" : ", in a hook of " + repr), where);
        // after the log line: the first event of a JVM may take a while to set up
        FlightEvents.blockedPass(w.loopName, busy, w.thresholdNanos, repr);
        w.map.counters().countBlocked(); // last, so a reader that sees it finds the log and the event
    }
}
