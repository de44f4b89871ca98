package io.asyncore;

import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One dispatcher's idle and connect timeouts, from {@link Dispatcher#timeouts()}: when one
 * expires, the loop calls the dispatcher's {@link Dispatcher#handleTimeout(TimeoutKind)}
 * with the error handling of the other hooks. Python's asyncore has no timeouts.
 *
 * <p>Cost: one timer per kind that is on, on the dispatcher's map, re-armed lazily.
 * Activity only stores {@link System#nanoTime()} in a field; a timer that fires early
 * because something happened since it was armed re-arms for the time left. There is no
 * scan of all dispatchers and no timer work per event.
 *
 * <p>Threading: belongs to its dispatcher's loop thread; set it up on any thread before
 * the dispatcher's first event.
 */
@ProviderType
public final class Timeouts {

    private static final int KINDS = 3; // READ_IDLE, WRITE_IDLE, ALL_IDLE

    private final Dispatcher dispatcher;
    private final long[] idleNanos = new long[KINDS];
    private final LoopTimer[] idleTimers = new LoopTimer[KINDS];
    private final Runnable[] checks = new Runnable[KINDS];
    private final Runnable connectCheck = this::connectExpired;
    private long connectNanos;
    private LoopTimer connectTimer;
    long lastRead;
    long lastWrite;

    Timeouts(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
        long now = System.nanoTime();
        lastRead = now;
        lastWrite = now;
        for (int i = 0; i < KINDS; i++) {
            TimeoutKind kind = TimeoutKind.values()[i];
            checks[i] = () -> idleCheck(kind);
        }
    }

    /**
     * Sets an idle timeout: when nothing was received ({@link TimeoutKind#READ_IDLE}),
     * sent ({@link TimeoutKind#WRITE_IDLE}) or either ({@link TimeoutKind#ALL_IDLE}) for
     * {@code timeout}, the dispatcher's {@code handleTimeout(kind)} is called, and again
     * after each further idle period while it stays open. Idle time counts from this call
     * and again from a completed connect.
     *
     * @param kind {@code READ_IDLE}, {@code WRITE_IDLE} or {@code ALL_IDLE}
     * @param timeout the idle time; null or zero turns it off
     * @throws IllegalArgumentException for {@code CONNECT} (use {@link #setConnect}) or a
     *     negative timeout
     */
    public void setIdle(TimeoutKind kind, Duration timeout) {
        if (kind == null || kind == TimeoutKind.CONNECT) {
            throw new IllegalArgumentException("setIdle: kind must be READ_IDLE, WRITE_IDLE or ALL_IDLE, got " + kind);
        }
        int i = kind.ordinal();
        cancel(idleTimers[i]);
        idleTimers[i] = null;
        idleNanos[i] = positiveNanos(timeout);
        if (idleNanos[i] > 0 && !dispatcher.isClosed()) {
            long now = System.nanoTime();
            lastRead = now;
            lastWrite = now;
            idleTimers[i] = queue().scheduleAt(now + idleNanos[i], checks[i]);
        }
    }

    /**
     * The idle timeout of {@code kind}.
     *
     * @param kind an idle kind
     * @return the timeout, or null when off (always for {@code CONNECT})
     */
    public Duration idle(TimeoutKind kind) {
        return kind == TimeoutKind.CONNECT ? null : duration(idleNanos[kind.ordinal()]);
    }

    /**
     * Sets how long a {@link Dispatcher#connect} may take before {@code handleTimeout}
     * gets {@link TimeoutKind#CONNECT}. Applies to connects started after this call.
     *
     * @param timeout the limit; null or zero turns it off
     * @throws IllegalArgumentException for a negative timeout
     */
    public void setConnect(Duration timeout) {
        connectNanos = positiveNanos(timeout);
    }

    /** {@return the connect timeout, or null when off} */
    public Duration connect() {
        return duration(connectNanos);
    }

    /** The limit that {@code kind} expired after, for the log line of {@code handleTimeout}. */
    Duration of(TimeoutKind kind) {
        return kind == TimeoutKind.CONNECT ? connect() : idle(kind);
    }

    /** A connect started: arm the connect timer. */
    void connectStarted() {
        cancel(connectTimer);
        connectTimer = connectNanos == 0 ? null : queue().scheduleAt(System.nanoTime() + connectNanos, connectCheck);
    }

    /** The connect completed: idle time counts from now. */
    void connected() {
        cancel(connectTimer);
        connectTimer = null;
        long now = System.nanoTime();
        lastRead = now;
        lastWrite = now;
    }

    void closed() {
        cancel(connectTimer);
        connectTimer = null;
        for (int i = 0; i < KINDS; i++) {
            cancel(idleTimers[i]);
            idleTimers[i] = null;
        }
    }

    private void idleCheck(TimeoutKind kind) {
        int i = kind.ordinal();
        LoopTimer fired = idleTimers[i];
        if (dispatcher.isClosed() || idleNanos[i] == 0 || fired == null) {
            return;
        }
        TimerQueue q = queue();
        if (fired.queue != q) {
            // The dispatcher moved to another map (EventLoop.register): follow it, so the
            // check runs on that map's thread.
            idleTimers[i] = q.scheduleAt(System.nanoTime(), checks[i]);
            return;
        }
        long last = switch (kind) {
            case READ_IDLE -> lastRead;
            case WRITE_IDLE -> lastWrite;
            default -> latest();
        };
        long now = System.nanoTime();
        long due = last + idleNanos[i];
        if (due - now > 0) {
            idleTimers[i] = q.scheduleAt(due, checks[i]); // activity since: wait for the rest
            return;
        }
        // Expired. Arm again so a handler that keeps the channel open hears again after
        // another idle period, as Netty's IdleStateHandler does.
        idleTimers[i] = q.scheduleAt(now + idleNanos[i], checks[i]);
        deliver(kind);
    }

    private long latest() {
        return lastRead - lastWrite > 0 ? lastRead : lastWrite;
    }

    private void connectExpired() {
        connectTimer = null;
        if (dispatcher.isClosed() || dispatcher.isConnected() || !dispatcher.isConnecting()) {
            return;
        }
        deliver(TimeoutKind.CONNECT);
    }

    private void deliver(TimeoutKind kind) {
        Delivery.timeout(dispatcher, kind);
    }

    private TimerQueue queue() {
        ChannelMap m = dispatcher.owner;
        return (m != null ? m : dispatcher.map()).timers();
    }

    private static void cancel(LoopTimer t) {
        if (t != null) {
            t.cancel();
        }
    }

    private static Duration duration(long nanos) {
        return nanos == 0 ? null : Duration.ofNanos(nanos);
    }

    private static long positiveNanos(Duration timeout) {
        if (timeout == null || timeout.isZero()) {
            return 0;
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }
}
