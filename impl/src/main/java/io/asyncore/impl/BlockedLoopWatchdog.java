package io.asyncore.impl;

import io.asyncore.TimerQueue;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Finds a handler that holds an event loop's thread too long, as Vert.x's blocked-thread
 * checker does: a daemon thread per loop wakes every quarter threshold and compares now
 * with {@link TimerQueue#busySinceNanos()}, the time the loop thread last stopped waiting
 * for readiness (written once per pass, so the loop pays nothing per event). A pass busy
 * for longer than the threshold is logged once, at WARNING, with the loop thread's stack.
 *
 * <p>The threshold is {@value #THRESHOLD_PROPERTY} in milliseconds (system property,
 * default 2000 as in Vert.x; 0 turns the watchdog off).
 */
final class BlockedLoopWatchdog implements Runnable {

    /** System property giving the blocked-loop threshold in milliseconds; 0 disables. */
    static final String THRESHOLD_PROPERTY = "asyncore.blocked.threshold.ms";
    /** The threshold unless {@link #THRESHOLD_PROPERTY} says otherwise. */
    static final Duration DEFAULT_THRESHOLD = Duration.ofSeconds(2);

    private static final System.Logger LOG = System.getLogger(BlockedLoopWatchdog.class.getName());

    private final String loopName;
    private final Thread loopThread;
    private final TimerQueue clock;
    private final long thresholdNanos;
    private final Thread thread;
    private volatile boolean stopped;
    private long reported;

    private BlockedLoopWatchdog(String loopName, Thread loopThread, TimerQueue clock, long thresholdNanos) {
        this.loopName = loopName;
        this.loopThread = loopThread;
        this.clock = clock;
        this.thresholdNanos = thresholdNanos;
        this.thread = new Thread(this, loopName + "-watchdog");
        this.thread.setDaemon(true);
    }

    /**
     * Starts watching {@code loopThread}, unless {@code threshold} is 0.
     *
     * @param threshold how long a pass may take, such as {@link #threshold()}
     * @return the running watchdog, or null when turned off
     */
    static BlockedLoopWatchdog start(String loopName, Thread loopThread, TimerQueue clock, Duration threshold) {
        long millis = threshold.toMillis();
        if (millis == 0) {
            return null;
        }
        BlockedLoopWatchdog w = new BlockedLoopWatchdog(loopName, loopThread, clock, millis * 1_000_000L);
        w.thread.start();
        return w;
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
        long interval = Math.max(1_000_000L, thresholdNanos / 4);
        while (!stopped) {
            LockSupport.parkNanos(this, interval);
            check();
        }
    }

    private void check() {
        long since = clock.busySinceNanos();
        if (since == 0 || since == reported || stopped) {
            return;
        }
        long busy = System.nanoTime() - since;
        if (busy < thresholdNanos) {
            return;
        }
        reported = since; // once per pass
        Throwable where = new Throwable("event loop thread " + loopThread.getName() + " is here");
        where.setStackTrace(loopThread.getStackTrace());
        LOG.log(Level.WARNING, "event loop " + loopName + " blocked for " + busy / 1_000_000 + " ms (threshold "
                + thresholdNanos / 1_000_000 + " ms): a handler is holding the loop thread", where);
    }

    /** Stops the watchdog and waits for its thread. Any thread but the watchdog's. */
    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
        Threads.joinUninterruptibly(thread);
    }
}
