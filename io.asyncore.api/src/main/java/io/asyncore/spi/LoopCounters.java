package io.asyncore.spi;

import io.asyncore.Dispatcher;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What the loop serving one {@link io.asyncore.ChannelMap} has done since the map was
 * made: passes, events, tasks, timers, time in handlers, bytes, connections. Readable
 * from any thread at any time without stopping the loop (JMX reads it).
 *
 * <p>Cost: every counter is a plain {@code long} field that only the loop thread writes
 * (blocked-loop episodes: only the watchdog thread), in opaque mode so a reader on
 * another thread never sees half a value; the loop allocates nothing to keep them. Values
 * read together are not a consistent snapshot: each is exact at some moment of the read.
 *
 * <p>The {@code add...} and {@code count...} methods are for the code that drives the map
 * (the engine, the dispatchers of {@code io.asyncore}); applications only read.
 */
public final class LoopCounters {

    /**
     * System property: the slow-handler threshold in milliseconds (default 100). A
     * delivery whose hooks run longer is reported to the {@link LoopObserver}.
     */
    public static final String SLOW_HANDLER_PROPERTY = "asyncore.slow.handler.ms";

    private static final long SLOW_HANDLER_NANOS = slowHandlerFromProperty();

    private static final VarHandle PASSES = handle("passes");
    private static final VarHandle EVENTS = handle("events");
    private static final VarHandle TASKS = handle("tasks");
    private static final VarHandle TIMERS = handle("timers");
    private static final VarHandle HANDLER_NANOS = handle("handlerNanos");
    private static final VarHandle LONGEST_PASS = handle("longestPassNanos");
    private static final VarHandle BLOCKED = handle("blocked");
    private static final VarHandle PAUSES = handle("acceptPauses");
    private static final VarHandle BYTES_IN = handle("bytesIn");
    private static final VarHandle BYTES_OUT = handle("bytesOut");
    private static final VarHandle ACCEPTED = handle("accepted");
    private static final VarHandle CLOSED = handle("closed");
    private static final VarHandle RUNNING;

    static {
        try {
            RUNNING = MethodHandles.lookup().findVarHandle(LoopCounters.class, "running", Dispatcher.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long passes;
    private long events;
    private long tasks;
    private long timers;
    private long handlerNanos;
    private long longestPassNanos;
    private long blocked;
    private long acceptPauses;
    private long bytesIn;
    private long bytesOut;
    private long accepted;
    private long closed;
    /** The dispatcher whose hook runs now (outermost delivery), for the watchdog. */
    private Dispatcher running;
    private volatile LoopObserver observer;
    /** When the loop last stopped waiting (nanoTime), 0 while it waits; for the watchdog. */
    private volatile long busySince;

    /** Counters at zero, for a new map. */
    public LoopCounters() {}

    // ------------------------------------------------------------------ reading, any thread

    /** {@return passes made (one {@code poll()} each)} */
    public long passes() {
        return (long) PASSES.getOpaque(this);
    }

    /** {@return events delivered to dispatchers (one {@code readwrite} call each, timeouts included)} */
    public long eventsDelivered() {
        return (long) EVENTS.getOpaque(this);
    }

    /** {@return tasks run from {@link io.asyncore.EventLoop#execute}} */
    public long tasksRun() {
        return (long) TASKS.getOpaque(this);
    }

    /** {@return timer tasks run} */
    public long timersRun() {
        return (long) TIMERS.getOpaque(this);
    }

    /** {@return nanoseconds spent inside dispatcher hooks for delivered events} */
    public long handlerNanos() {
        return (long) HANDLER_NANOS.getOpaque(this);
    }

    /** {@return the longest time one pass kept the loop thread busy (not waiting), in nanoseconds} */
    public long longestPassNanos() {
        return (long) LONGEST_PASS.getOpaque(this);
    }

    /** {@return passes the blocked-loop watchdog reported} */
    public long blockedEpisodes() {
        return (long) BLOCKED.getOpaque(this);
    }

    /** {@return times a listener paused accepting because descriptors ran out} */
    public long acceptPauses() {
        return (long) PAUSES.getOpaque(this);
    }

    /** {@return bytes received by {@code recv}} */
    public long bytesIn() {
        return (long) BYTES_IN.getOpaque(this);
    }

    /** {@return bytes sent by {@code send}} */
    public long bytesOut() {
        return (long) BYTES_OUT.getOpaque(this);
    }

    /** {@return connections accepted by listeners of the map} */
    public long connectionsAccepted() {
        return (long) ACCEPTED.getOpaque(this);
    }

    /** {@return dispatchers with a socket closed while in the map} */
    public long connectionsClosed() {
        return (long) CLOSED.getOpaque(this);
    }

    /**
     * The dispatcher whose hook the loop thread runs right now; for diagnostics from
     * another thread (its state may change while it is read).
     *
     * @return that dispatcher, or null between deliveries
     */
    public Dispatcher running() {
        return (Dispatcher) RUNNING.getOpaque(this);
    }

    // ------------------------------------------------------------------ counting, loop thread

    /**
     * A pass ended. Loop thread.
     *
     * @param busyNanos how long the pass kept the thread busy after its wait
     */
    public void countPass(long busyNanos) {
        add(PASSES, 1);
        if (busyNanos > (long) LONGEST_PASS.getOpaque(this)) {
            LONGEST_PASS.setOpaque(this, busyNanos);
        }
    }

    /**
     * An outermost delivery to {@code d} starts. Loop thread.
     *
     * @param d the dispatcher
     */
    public void deliveryStarts(Dispatcher d) {
        RUNNING.setOpaque(this, d);
    }

    /**
     * An outermost delivery to {@code d} ended after {@code nanos}. Loop thread.
     *
     * @param d the dispatcher
     * @param nanos how long its hooks ran
     */
    public void deliveryEnded(Dispatcher d, long nanos) {
        RUNNING.setOpaque(this, (Dispatcher) null);
        add(EVENTS, 1);
        add(HANDLER_NANOS, nanos);
        if (nanos >= SLOW_HANDLER_NANOS) {
            LoopObserver o = observer;
            if (o != null) {
                try {
                    o.slowHandler(d, nanos, SLOW_HANDLER_NANOS);
                } catch (RuntimeException | LinkageError e) {
                    observer = null; // a broken observer must not reach the loop
                }
            }
        }
    }

    /**
     * Tasks ran. Loop thread.
     *
     * @param n how many
     */
    public void countTasks(int n) {
        add(TASKS, n);
    }

    /**
     * Timer tasks ran. Loop thread.
     *
     * @param n how many
     */
    public void countTimers(int n) {
        add(TIMERS, n);
    }

    /** The watchdog reported a blocked pass. The watchdog's thread only. */
    public void countBlocked() {
        add(BLOCKED, 1);
    }

    /**
     * A listener paused accepting. Loop thread.
     *
     * @param listener the listener
     * @param cause the accept failure
     * @param pauseMillis how long it pauses
     */
    public void countAcceptPause(Dispatcher listener, java.io.IOException cause, long pauseMillis) {
        add(PAUSES, 1);
        LoopObserver o = observer;
        if (o != null) {
            try {
                o.acceptPaused(listener, cause, pauseMillis);
            } catch (RuntimeException | LinkageError e) {
                observer = null; // out of descriptors, say: recording must not end the loop
            }
        }
    }

    /**
     * Bytes received. Loop thread.
     *
     * @param n how many
     */
    public void countIn(long n) {
        add(BYTES_IN, n);
    }

    /**
     * Bytes sent. Loop thread.
     *
     * @param n how many
     */
    public void countOut(long n) {
        add(BYTES_OUT, n);
    }

    /** A connection was accepted. Loop thread. */
    public void countAccepted() {
        add(ACCEPTED, 1);
    }

    /** A dispatcher with a socket closed. Loop thread. */
    public void countClosed() {
        add(CLOSED, 1);
    }

    /**
     * {@code d}'s default {@code handleError} got {@code error}; it closes the connection
     * next. Loop thread.
     *
     * @param d the dispatcher
     * @param error what its hook threw
     */
    public void hookFailed(Dispatcher d, Throwable error) {
        LoopObserver o = observer;
        if (o != null) {
            try {
                o.hookFailed(d, error);
            } catch (RuntimeException | LinkageError e) {
                observer = null; // a broken observer must not reach the loop
            }
        }
    }

    /**
     * Sets who hears of slow handlers, accept pauses and failed hooks (the engine's
     * flight recorder events, say). Any thread.
     *
     * @param observer the observer, or null for none
     */
    public void observe(LoopObserver observer) {
        this.observer = observer;
    }

    /** The loop starts to wait for readiness: it is idle until {@link #busyFrom}. Loop thread. */
    public void idle() {
        busySince = 0;
    }

    /**
     * The loop stopped waiting at {@code nanoTime} and runs handlers, tasks or timers. Loop
     * thread.
     *
     * @param nanoTime the {@link System#nanoTime()} at which it woke
     */
    public void busyFrom(long nanoTime) {
        busySince = nanoTime == 0 ? 1 : nanoTime;
    }

    /**
     * When the loop last stopped waiting, in {@link System#nanoTime()} terms, or 0 while it
     * waits (or never ran). A watchdog compares this with the time now to find a handler
     * that holds the loop thread. Any thread.
     *
     * @return the time, or 0
     */
    public long busySinceNanos() {
        return busySince;
    }

    /** {@return the slow-handler threshold in nanoseconds} */
    public static long slowHandlerNanos() {
        return SLOW_HANDLER_NANOS;
    }

    private void add(VarHandle counter, long n) {
        counter.setOpaque(this, (long) counter.getOpaque(this) + n);
    }

    private static VarHandle handle(String field) {
        try {
            return MethodHandles.lookup().findVarHandle(LoopCounters.class, field, long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static long slowHandlerFromProperty() {
        String value = System.getProperty(SLOW_HANDLER_PROPERTY);
        long millis = 100;
        if (value != null && !value.isBlank()) {
            try {
                millis = Math.max(1, Long.parseLong(value.trim()));
            } catch (NumberFormatException e) {
                System.getLogger(LoopCounters.class.getName()).log(System.Logger.Level.WARNING,
                        SLOW_HANDLER_PROPERTY + " must be a number of milliseconds, got '" + value
                                + "'; using 100");
            }
        }
        return millis * 1_000_000L;
    }

    @Override
    public String toString() {
        return "LoopCounters[passes=" + passes() + ", events=" + eventsDelivered() + ", in=" + bytesIn()
                + ", out=" + bytesOut() + ", accepted=" + connectionsAccepted() + ", closed="
                + connectionsClosed() + "]";
    }
}
