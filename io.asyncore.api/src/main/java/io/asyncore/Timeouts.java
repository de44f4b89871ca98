package io.asyncore;

import java.time.Duration;

/**
 * One dispatcher's idle and connect timeouts: a timer per kind on the dispatcher's map,
 * re-armed lazily. Activity only stores {@link System#nanoTime()} in a field; when a timer
 * fires early because something happened since it was armed, it re-arms for the time
 * left. So there is no scan of all dispatchers and no timer work per event.
 *
 * <p>Loop thread only, like the dispatcher's other state (configuration may happen
 * before the dispatcher's first event, on any thread).
 */
final class Timeouts {

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

    void setIdle(TimeoutKind kind, Duration timeout) {
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

    Duration idle(TimeoutKind kind) {
        long n = idleNanos[kind.ordinal()];
        return n == 0 ? null : Duration.ofNanos(n);
    }

    void setConnect(Duration timeout) {
        connectNanos = positiveNanos(timeout);
    }

    Duration connect() {
        return connectNanos == 0 ? null : Duration.ofNanos(connectNanos);
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
