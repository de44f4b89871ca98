package io.asyncore;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;

/**
 * The log line of {@link Dispatcher#handleError}'s default, Python's
 * {@code "uncaptured python exception, closing channel <repr> (<type>:<value> <traceback>)"}.
 *
 * <p>Expected conditions, a per-connection limit reached ({@link LimitExceededException})
 * or a peer gone ({@link Disconnects}), are not bugs: they log one WARNING line without
 * a stack trace, and a burst of the same condition (the same limit, or disconnects) is
 * summarised: the first of a {@value #WINDOW_SECONDS} s window (system property
 * {@value #WINDOW_PROPERTY} in milliseconds) is logged, the others counted, and the
 * next one after the window first logs {@code "error: N more like this ..."}.
 * Anything else is a bug in a hook and logs at ERROR with its stack trace. Thread-safe:
 * several loops share the burst counts.
 */
final class ErrorReport {

    /** How long a burst of one condition is summarised rather than logged line by line. */
    static final long WINDOW_SECONDS = 10;
    /** System property: the window in milliseconds instead of {@value #WINDOW_SECONDS} s. */
    static final String WINDOW_PROPERTY = "asyncore.log.burst.ms";
    /** Per condition: the window now open. Guarded by itself; as many keys as limit names. */
    private static final Map<String, Burst> BURSTS = new HashMap<>();

    private static final class Burst {
        final long start;
        long last;
        long more;

        Burst(long start) {
            this.start = start;
            this.last = start;
        }
    }

    private ErrorReport() {}

    /** Whether {@code error} is an expected condition rather than a bug. */
    static boolean isExpected(Throwable error) {
        return error instanceof LimitExceededException || Disconnects.isDisconnect(error);
    }

    /** Logs {@code d}'s uncaptured {@code error} as described above. */
    static void log(System.Logger log, Dispatcher d, Throwable error) {
        String self = repr(d);
        String what = error.getClass().getName() + ":" + error.getMessage();
        if (!isExpected(error)) {
            log.log(Level.ERROR, "error: uncaptured exception, closing channel " + self + " (" + what + " "
                    + traceback(error) + ")", error);
            return;
        }
        String condition = error instanceof LimitExceededException limit ? "limit " + limit.limitName() : "disconnect";
        String summary = null;
        boolean first;
        long now = System.nanoTime();
        synchronized (BURSTS) {
            Burst b = BURSTS.get(condition);
            first = b == null || now - b.start >= windowNanos();
            if (first) {
                if (b != null && b.more > 0) {
                    summary = "error: " + b.more + " more like this (" + condition + ") in "
                            + String.format(java.util.Locale.ROOT, "%.1f", (b.last - b.start) / 1e9)
                            + " s after the one logged, not logged one by one";
                }
                BURSTS.put(condition, new Burst(now));
            } else {
                b.more++;
                b.last = now;
            }
        }
        if (summary != null) {
            log.log(Level.WARNING, summary);
        }
        if (first) {
            log.log(Level.WARNING, "error: closing channel " + self + " (" + what + ")");
        }
    }

    /** The window; read on each expected error only, so it costs nothing per event. */
    private static long windowNanos() {
        String value = System.getProperty(WINDOW_PROPERTY);
        if (value != null) {
            try {
                return Math.max(0, Long.parseLong(value.trim())) * 1_000_000L;
            } catch (NumberFormatException e) {
                // an unreadable setting keeps the default
            }
        }
        return WINDOW_SECONDS * 1_000_000_000L;
    }

    private static String traceback(Throwable error) {
        return error.getStackTrace().length == 0 ? "[no traceback]" : CompactTraceback.of(error).info();
    }

    /** {@code d.toString()}, or Python's placeholder when that throws. */
    static String repr(Dispatcher d) {
        try {
            return d.toString();
        } catch (RuntimeException e) {
            return "<toString() failed for object at 0x" + Integer.toHexString(System.identityHashCode(d)) + ">";
        }
    }
}
