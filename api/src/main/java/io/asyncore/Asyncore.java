package io.asyncore;

import java.time.Duration;

/**
 * Python's module-level functions: {@code loop}, {@code poll}, {@code close_all}, and the
 * event helpers {@code read}, {@code write}, {@code _exception}, {@code readwrite} that
 * engines use to deliver events with Python's error handling.
 *
 * <p>{@code usePoll} is accepted everywhere for fidelity and changes nothing: the JDK
 * selector already uses the platform's best call (epoll on Linux).
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

    private static final ThreadLocal<Dispatcher> CURRENT = new ThreadLocal<>();

    private Asyncore() {}

    /**
     * The dispatcher whose event hook is running on this thread.
     *
     * @return that dispatcher, or null outside any hook
     */
    public static Dispatcher current() {
        return CURRENT.get();
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
     * @param usePoll accepted for fidelity; see the class javadoc
     */
    public static void loop(Duration timeout, boolean usePoll) {
        loop(timeout, usePoll, null);
    }

    /**
     * Serves {@code map} until it is empty.
     *
     * @param timeout the longest one wait may block
     * @param usePoll accepted for fidelity; see the class javadoc
     * @param map the map, null for the default map
     */
    public static void loop(Duration timeout, boolean usePoll, ChannelMap map) {
        run(timeout, map, Long.MAX_VALUE, false);
    }

    /**
     * Python's {@code loop(timeout, use_poll, map, count)}: at most {@code count} passes,
     * fewer if the map empties first.
     *
     * @param timeout the longest one wait may block; zero means do not wait
     * @param usePoll accepted for fidelity; see the class javadoc
     * @param map the map, null for the default map
     * @param count the number of passes, 0 or more
     * @throws IllegalArgumentException if {@code count} or {@code timeout} is negative
     * @throws ExitNow when a hook throws it
     */
    public static void loop(Duration timeout, boolean usePoll, ChannelMap map, long count) {
        if (count < 0) {
            throw new IllegalArgumentException("loop: count must be 0 or more, got " + count);
        }
        run(timeout, map, count, true);
    }

    private static void run(Duration timeout, ChannelMap map, long count, boolean counted) {
        ChannelMap m = map == null ? ChannelMap.defaultMap() : map;
        long millis = toMillis(timeout);
        try {
            long left = count;
            while (!m.isEmpty() && (!counted || left > 0)) {
                pass(m, millis);
                left--;
            }
        } finally {
            if (m.isEmpty()) {
                m.releasePoller();
            }
        }
    }

    /**
     * Python's {@code poll(timeout, map)}: one pass over {@code map}. As in Python, an
     * empty map means nothing to do: the call returns at once without waiting.
     *
     * @param timeout the longest the wait may block; zero means do not wait
     * @param map the map, null for the default map
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public static void poll(Duration timeout, ChannelMap map) {
        ChannelMap m = map == null ? ChannelMap.defaultMap() : map;
        long millis = toMillis(timeout);
        if (m.isEmpty()) {
            return; // Python: "if map:" (and no selector is opened for nothing)
        }
        pass(m, millis);
    }

    /** One pass over the default map without waiting: Python's {@code poll()}. */
    public static void poll() {
        poll(Duration.ZERO, null);
    }

    /**
     * Python's {@code poll2}: the same pass as {@link #poll(Duration, ChannelMap)}.
     *
     * @param timeout the longest the wait may block
     * @param map the map, null for the default map
     */
    public static void poll2(Duration timeout, ChannelMap map) {
        poll(timeout, map);
    }

    private static void pass(ChannelMap map, long millis) {
        try {
            map.poller().poll(map, millis);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("waiting for readiness failed on " + map, e);
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
     * then empties it, cancels its timers and releases its poller.
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
        // too, so nothing outlives the map's poller.
        for (Dispatcher d : m.dispatchers()) {
            try {
                d.close();
            } catch (RuntimeException e) {
                // left over from the closes above; those already reported what mattered
            }
            d.delChannel();
        }
        m.timers().clear();
        m.releasePoller();
        if (first != null) {
            throw first;
        }
    }

    /**
     * Python's {@code read(obj)}: {@link Dispatcher#handleReadEvent()} with error handling.
     *
     * @param d the dispatcher
     */
    public static void read(Dispatcher d) {
        readwrite(d, POLLIN);
    }

    /**
     * Python's {@code write(obj)}: {@link Dispatcher#handleWriteEvent()} with error handling.
     *
     * @param d the dispatcher
     */
    public static void write(Dispatcher d) {
        readwrite(d, POLLOUT);
    }

    /**
     * Python's {@code _exception(obj)}: {@link Dispatcher#handleExptEvent()} with error
     * handling.
     *
     * @param d the dispatcher
     */
    public static void exception(Dispatcher d) {
        readwrite(d, POLLPRI);
    }

    /**
     * Python's {@code readwrite(obj, flags)}: delivers one pass's events to {@code d} in
     * Python's order (read, write, priority, then close on error or hang-up).
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
        Dispatcher outer = CURRENT.get();
        CURRENT.set(d);
        try {
            if ((flags & POLLIN) != 0) {
                d.handleReadEvent();
            }
            if ((flags & POLLOUT) != 0 && !d.isClosed()) {
                d.handleWriteEvent();
            }
            if ((flags & POLLPRI) != 0 && !d.isClosed()) {
                d.handleExptEvent();
            }
            if ((flags & (POLLHUP | POLLERR | POLLNVAL)) != 0 && !d.isClosed()) {
                d.handleClose();
            }
        } catch (ExitNow | VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            fail(d, e);
        } finally {
            CURRENT.set(outer);
        }
    }

    /**
     * Delivers an expired timeout to {@code d} with the error handling of
     * {@link #readwrite}; called by the timer that found it expired, on the loop thread.
     */
    static void timeout(Dispatcher d, TimeoutKind kind) {
        Dispatcher outer = CURRENT.get();
        CURRENT.set(d);
        try {
            d.handleTimeout(kind);
        } catch (ExitNow | VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            fail(d, e);
        } finally {
            CURRENT.set(outer);
        }
    }

    /**
     * Routes an exception from one of {@code d}'s hooks (including {@code readable()} and
     * {@code writable()}) to {@code d} alone: Python's {@code handle_error} path. Engines
     * call this; it never throws but {@link ExitNow} and {@link VirtualMachineError}.
     *
     * @param d the dispatcher whose hook threw
     * @param error what it threw
     */
    public static void fail(Dispatcher d, Throwable error) {
        if (error instanceof ExitNow exit) {
            throw exit;
        }
        if (error instanceof VirtualMachineError fatal) {
            throw fatal;
        }
        try {
            if (Disconnects.isDisconnect(error)) {
                d.handleClose();
            } else {
                d.handleError(error);
            }
        } catch (ExitNow | VirtualMachineError e) {
            throw e;
        } catch (Throwable secondary) {
            System.getLogger(Asyncore.class.getName()).log(System.Logger.Level.ERROR,
                    "error handling of " + d + " failed; closing it", secondary);
            try {
                d.close();
            } catch (RuntimeException ignored) {
                // the dispatcher is already broken; it must not take the loop down
            }
        }
    }
}
