package io.asyncore;

import java.time.Duration;

/**
 * Python's module-level functions: {@code loop}, {@code poll}, {@code close_all}, and the
 * event helpers {@code read}, {@code write}, {@code _exception}, {@code readwrite} with
 * which a pass delivers events with Python's error handling.
 *
 * <p>{@code usePoll} chooses between Python's two dispatch modes; both wait in the same
 * JDK selector (epoll on Linux), and differ, as in Python, in what a pass delivers:
 * <ul>
 * <li>{@code usePoll=false}, the default ({@code loop()}, {@link #poll(Duration, ChannelMap)}),
 *     is Python's {@code select} mode: a pass calls {@link #read} for every ready
 *     dispatcher in map order, then {@link #write} for every writable one, then
 *     {@link #exception}. Every exception from a hook but {@link ExitNow} and
 *     {@link VirtualMachineError} goes to {@link Dispatcher#handleError}, a connection
 *     reset raised in {@code handleRead} included.
 * <li>{@code usePoll=true} ({@link #poll2}) is Python's {@code poll} mode: each ready
 *     dispatcher gets all its events at once through {@link #readwrite}, which turns the
 *     disconnect errors into {@link Dispatcher#handleClose()}. An {@link EventLoop}
 *     delivers this way.
 * </ul>
 * In both modes, {@link Dispatcher#recv} and {@link Dispatcher#send} answer a disconnect
 * with {@code handleClose()} themselves, as Python's do.
 */
public final class Asyncore {

    /** Python's default loop timeout: 30 seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** Readable: {@code select.POLLIN}. */
    public static final int POLLIN = 0x001;
    /** Priority data: {@code select.POLLPRI}. */
    public static final int POLLPRI = 0x002;
    /** Writable: {@code select.POLLOUT}. */
    public static final int POLLOUT = 0x004;
    /** Error: {@code select.POLLERR}. */
    public static final int POLLERR = 0x008;
    /** Hang-up: {@code select.POLLHUP}. */
    public static final int POLLHUP = 0x010;
    /** Invalid descriptor: {@code select.POLLNVAL}. */
    public static final int POLLNVAL = 0x020;

    private Asyncore() {}

    /**
     * The dispatcher whose event hook is running on this thread.
     *
     * @return that dispatcher, or null outside any hook
     */
    public static Dispatcher current() {
        return Delivery.current();
    }

    /** Python's {@code loop()}: serves the default map until it is empty, 30 s per wait. */
    public static void loop() {
        loop(DEFAULT_TIMEOUT, false, null);
    }

    /**
     * Serves the default map until it is empty.
     *
     * @param timeout the longest one wait may block
     */
    public static void loop(Duration timeout) {
        loop(timeout, false, null);
    }

    /**
     * Serves the default map until it is empty.
     *
     * @param timeout the longest one wait may block
     * @param usePoll Python's poll mode when true, its select mode when false; see the
     *     class javadoc
     */
    public static void loop(Duration timeout, boolean usePoll) {
        loop(timeout, usePoll, null);
    }

    /**
     * Serves {@code map} until it is empty.
     *
     * @param timeout the longest one wait may block
     * @param usePoll Python's poll mode when true, its select mode when false; see the
     *     class javadoc
     * @param map the map, null for the default map
     */
    public static void loop(Duration timeout, boolean usePoll, ChannelMap map) {
        run(timeout, usePoll, map, Long.MAX_VALUE, false);
    }

    /**
     * Python's {@code loop(timeout, use_poll, map, count)}: at most {@code count} passes,
     * fewer if the map empties first.
     *
     * @param timeout the longest one wait may block; zero means do not wait
     * @param usePoll Python's poll mode when true, its select mode when false; see the
     *     class javadoc
     * @param map the map, null for the default map
     * @param count the number of passes, 0 or more
     * @throws IllegalArgumentException if {@code count} or {@code timeout} is negative
     * @throws ExitNow when a hook throws it
     */
    public static void loop(Duration timeout, boolean usePoll, ChannelMap map, long count) {
        if (count < 0) {
            throw new IllegalArgumentException("loop: count must be 0 or more, got " + count);
        }
        run(timeout, usePoll, map, count, true);
    }

    private static void run(Duration timeout, boolean usePoll, ChannelMap map, long count, boolean counted) {
        ChannelMap m = map == null ? ChannelMap.defaultMap() : map;
        long millis = toMillis(timeout);
        assert m.isLoopThread() : m + " is served by another thread";
        // This thread serves the map from the first pass to the last, not only during
        // passes: a dispatcher made on another thread meanwhile waits for addChannel.
        boolean entered = m.enterPass();
        try {
            long left = count;
            while (!m.isEmpty() && (!counted || left > 0)) {
                pass(m, millis, usePoll);
                left--;
            }
        } finally {
            m.leavePass(entered);
            if (m.isEmpty()) {
                m.releaseBackend();
            }
        }
    }

    /**
     * Python's {@code poll(timeout, map)}: one pass over {@code map} in select mode (see
     * the class javadoc). As in Python, an empty map means nothing to do: the call
     * returns at once without waiting.
     *
     * @param timeout the longest the wait may block; zero means do not wait
     * @param map the map, null for the default map
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public static void poll(Duration timeout, ChannelMap map) {
        onePass(timeout, map, false);
    }

    private static void onePass(Duration timeout, ChannelMap map, boolean usePoll) {
        ChannelMap m = map == null ? ChannelMap.defaultMap() : map;
        long millis = toMillis(timeout);
        if (m.isEmpty()) {
            return; // Python: "if map:" (and no selector is opened for nothing)
        }
        pass(m, millis, usePoll);
    }

    /** One pass over the default map without waiting: Python's {@code poll()}. */
    public static void poll() {
        poll(Duration.ZERO, null);
    }

    /**
     * Python's {@code poll2}: one pass over {@code map} in poll mode (see the class
     * javadoc); an empty map returns at once.
     *
     * @param timeout the longest the wait may block
     * @param map the map, null for the default map
     */
    public static void poll2(Duration timeout, ChannelMap map) {
        onePass(timeout, map, true);
    }

    private static void pass(ChannelMap map, long millis, boolean usePoll) {
        assert map.isLoopThread() : map + " is served by another thread";
        boolean entered = map.enterPass();
        try {
            map.pass().run(millis, usePoll);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("waiting for readiness failed on " + map, e);
        } finally {
            map.leavePass(entered);
        }
    }

    private static long toMillis(Duration timeout) {
        if (timeout == null) {
            throw new NullPointerException("timeout is null");
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be non-negative, got " + timeout);
        }
        // Round up so that a sub-millisecond timeout still waits instead of busy-looping.
        long millis = timeout.toMillis();
        return timeout.minusMillis(millis).isZero() ? millis : millis + 1;
    }

    /** Python's {@code close_all()}: closes every dispatcher in the default map. */
    public static void closeAll() {
        closeAll(null, false);
    }

    /**
     * Python's {@code close_all(map, ignore_all)}: closes every dispatcher in {@code map},
     * then empties it, cancels its timers and releases its readiness backend.
     *
     * @param map the map, null for the default map
     * @param ignoreAll whether to ignore every exception from {@code close()}; otherwise
     *     disconnect errors are ignored and others are thrown after the map is cleared
     * @throws ExitNow if a {@code close()} threw it (even with {@code ignoreAll}, as in
     *     Python), after every dispatcher is closed and the map cleared
     */
    public static void closeAll(ChannelMap map, boolean ignoreAll) {
        ChannelMap m = map == null ? ChannelMap.defaultMap() : map;
        RuntimeException first = null;
        for (Dispatcher d : m.dispatchers()) {
            try {
                d.close();
            } catch (ExitNow e) {
                // Python re-raises ExitNow even with ignore_all; close the rest first.
                if (!(first instanceof ExitNow)) {
                    first = e;
                }
            } catch (RuntimeException e) {
                if (!ignoreAll && !Disconnects.isDisconnect(e.getCause()) && first == null) {
                    first = e;
                }
            }
            d.delChannel();
        }
        // What joined while they closed (a TLS connection's closing exchange, say) closes
        // too, so nothing outlives the map's backend.
        for (Dispatcher d : m.dispatchers()) {
            try {
                d.close();
            } catch (RuntimeException e) {
                // left over from the closes above; those already reported what mattered
            }
            d.delChannel();
        }
        m.timers().clear();
        m.releaseBackend();
        if (first != null) {
            throw first;
        }
    }

    /**
     * Python's {@code read(obj)}, select mode's delivery: {@link Dispatcher#handleReadEvent()};
     * every exception but {@link ExitNow} and {@link VirtualMachineError} (which
     * propagate) goes to {@link Dispatcher#handleError}, disconnect errors included.
     *
     * @param d the dispatcher
     */
    public static void read(Dispatcher d) {
        Delivery.select(d, POLLIN);
    }

    /**
     * Python's {@code write(obj)}: {@link Dispatcher#handleWriteEvent()} with the error
     * handling of {@link #read}.
     *
     * @param d the dispatcher
     */
    public static void write(Dispatcher d) {
        Delivery.select(d, POLLOUT);
    }

    /**
     * Python's {@code _exception(obj)}: {@link Dispatcher#handleExptEvent()} with the
     * error handling of {@link #read}.
     *
     * @param d the dispatcher
     */
    public static void exception(Dispatcher d) {
        Delivery.select(d, POLLPRI);
    }

    /**
     * Python's {@code readwrite(obj, flags)}, poll mode's delivery: delivers one pass's
     * events to {@code d} in Python's order (read, write, priority, then close on error or
     * hang-up).
     *
     * <p>Error handling: {@link ExitNow} and {@link VirtualMachineError} propagate;
     * a disconnect error calls {@link Dispatcher#handleClose()}; any other exception
     * calls {@link Dispatcher#handleError(Throwable)}. Once {@code d} is closed it gets no
     * further events, and an exception from its error handling is logged, never thrown.
     *
     * @param d the dispatcher
     * @param flags {@link #POLLIN}, {@link #POLLOUT}, {@link #POLLPRI}, {@link #POLLERR},
     *     {@link #POLLHUP}, {@link #POLLNVAL}, or'ed
     */
    public static void readwrite(Dispatcher d, int flags) {
        Delivery.readwrite(d, flags);
    }

    /**
     * Python's {@code compact_traceback()} for {@code error}: the innermost frame as
     * {@code (file, function, line)}, the exception's type and message, and the condensed
     * {@code "[file|function|line] ..."} string that {@link Dispatcher#handleError} logs.
     *
     * @param error the exception
     * @return its compact traceback
     * @throws IllegalArgumentException if {@code error} carries no stack trace (Python:
     *     {@code AssertionError("traceback does not exist")})
     */
    public static CompactTraceback compactTraceback(Throwable error) {
        if (error == null) {
            throw new NullPointerException("compactTraceback: error is null");
        }
        return CompactTraceback.of(error);
    }

    /**
     * Python's {@code _strerror(err)}: the system's message for an errno number, such as
     * {@code "Connection reset by peer"} for 104, or {@code "Unknown error <err>"}.
     * Messages and numbers are Linux's (glibc), whatever the platform.
     *
     * @param errno the error number
     * @return its message
     */
    public static String strerror(int errno) {
        return ErrnoMessages.of(errno);
    }
}
