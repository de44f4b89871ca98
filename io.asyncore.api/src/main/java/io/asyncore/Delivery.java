package io.asyncore;

import io.asyncore.spi.LoopCounters;

/**
 * Delivers events to one dispatcher with Python's error handling: the bodies of
 * {@link Asyncore#read}, {@link Asyncore#write}, {@link Asyncore#exception} (select mode),
 * {@link Asyncore#readwrite} (poll mode) and of an expired timeout, and the
 * {@code handle_error} path that every failed hook takes. It knows the dispatcher whose
 * hook runs on this thread ({@link Asyncore#current()}), and times each outermost
 * delivery into the map's {@link LoopCounters}.
 *
 * <p>The pass calls in here directly: no lambda, no allocation per delivery.
 */
final class Delivery {

    private static final ThreadLocal<Dispatcher> CURRENT = new ThreadLocal<>();

    private Delivery() {}

    /** The dispatcher whose hook runs on this thread, or null. */
    static Dispatcher current() {
        return CURRENT.get();
    }

    /**
     * Select mode: one of {@link Asyncore#POLLIN}, {@link Asyncore#POLLOUT} or
     * {@link Asyncore#POLLPRI}, with Python's bare {@code except:} (no errno is looked at).
     */
    static void select(Dispatcher d, int event) {
        Dispatcher outer = CURRENT.get();
        CURRENT.set(d);
        try {
            if (event == Asyncore.POLLIN) {
                d.handleReadEvent();
            } else if (event == Asyncore.POLLOUT) {
                d.handleWriteEvent();
            } else {
                d.handleExptEvent();
            }
        } catch (ExitNow | VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            guarded(d, e);
        } finally {
            CURRENT.set(outer);
        }
    }

    /** Poll mode: Python's {@code readwrite(obj, flags)}; see {@link Asyncore#readwrite}. */
    static void readwrite(Dispatcher d, int flags) {
        deliver(d, flags, null);
    }

    /** An expired timeout, with the error handling of {@link #readwrite}. Loop thread. */
    static void timeout(Dispatcher d, TimeoutKind kind) {
        assert d.isLoopThread() : d.offLoop("handleTimeout");
        deliver(d, 0, kind);
    }

    private static void deliver(Dispatcher d, int flags, TimeoutKind timeout) {
        Dispatcher outer = CURRENT.get();
        CURRENT.set(d);
        LoopCounters counters = outer == null ? Counting.of(d) : null;
        long start = counters == null ? 0 : Counting.start(counters, d);
        try {
            if (timeout == null) {
                events(d, flags);
            } else {
                d.handleTimeout(timeout);
            }
        } catch (ExitNow | VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            fail(d, e);
        } finally {
            CURRENT.set(outer);
            if (counters != null) {
                counters.deliveryEnded(d, System.nanoTime() - start);
            }
        }
    }

    /** Python's order: read, write, priority, then close on error or hang-up. */
    private static void events(Dispatcher d, int flags) throws java.io.IOException {
        if ((flags & Asyncore.POLLIN) != 0) {
            d.handleReadEvent();
        }
        if ((flags & Asyncore.POLLOUT) != 0 && !d.isClosed()) {
            d.handleWriteEvent();
        }
        if ((flags & Asyncore.POLLPRI) != 0 && !d.isClosed()) {
            d.handleExptEvent();
        }
        if ((flags & (Asyncore.POLLHUP | Asyncore.POLLERR | Asyncore.POLLNVAL)) != 0 && !d.isClosed()) {
            d.handleClose();
        }
    }

    /**
     * Routes an exception from one of {@code d}'s hooks (including {@code readable()} and
     * {@code writable()}) to {@code d} alone: Python's {@code handle_error} path, with a
     * disconnect turned into {@code handleClose()}. Never throws but {@link ExitNow} and
     * {@link VirtualMachineError}.
     */
    static void fail(Dispatcher d, Throwable error) {
        if (error instanceof ExitNow exit) {
            throw exit;
        }
        if (error instanceof VirtualMachineError fatal) {
            throw fatal;
        }
        guarded(d, Disconnects.isDisconnect(error) ? null : error);
    }

    /**
     * {@code d.handleError(error)}, or {@code d.handleClose()} when {@code error} is null;
     * if that throws, logs and closes {@code d}.
     */
    private static void guarded(Dispatcher d, Throwable error) {
        try {
            if (error == null) {
                d.handleClose();
            } else {
                d.handleError(error);
            }
        } catch (ExitNow | VirtualMachineError e) {
            throw e;
        } catch (Throwable secondary) {
            // Guarded: when the error was a shortage (no descriptor left), logging may
            // fail the same way, and that must not end the loop either.
            String line = "error handling of " + d + " failed; closing it";
            try {
                io.asyncore.spi.Logging.logger(Asyncore.class.getName()).log(System.Logger.Level.ERROR, line, secondary);
            } catch (Throwable failed) {
                LogFallback.print("ERROR: " + line + " (" + secondary + ")", failed);
            }
            try {
                d.close();
            } catch (RuntimeException | LinkageError ignored) {
                // the dispatcher is already broken; it must not take the loop down
            }
        }
    }
}
