package io.asyncore;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * What a listener does when {@code accept} fails because the process or the system ran out
 * of file descriptors ({@code EMFILE}, {@code ENFILE}: "Too many open files").
 *
 * <p>Python's asyncore calls {@code handle_error}, which closes the listening socket; a
 * level-triggered loop that kept it open would instead spin, since the pending connection
 * stays pending. Like Netty, the listener stops asking for accepts for
 * {@link #PAUSE} and then tries again by itself, logging once per episode (the first
 * failure, and the first accept that works again).
 *
 * <p>Reacting to the shortage must not need a descriptor: {@link #prepare()} (called by
 * {@code listen}) loads and warms up, while descriptors are plentiful, what this path
 * uses, and a log call that fails anyway falls back to {@link LogFallback}.
 *
 * <p>Loop thread only.
 */
final class AcceptPause {

    /** How long a listener stops accepting after running out of descriptors. */
    static final Duration PAUSE = Duration.ofSeconds(1);

    private static final System.Logger LOG = io.asyncore.spi.Logging.logger(Dispatcher.class.getName());

    private final Dispatcher listener;
    private final Runnable resume = this::resume;
    private boolean paused;
    private boolean inEpisode;
    private int pauses;
    private LoopTimer timer;

    AcceptPause(Dispatcher listener) {
        this.listener = listener;
    }

    /**
     * Loads what the pause path needs while descriptors are plentiful, once per class
     * loader: classes loaded from a directory open a file each, and the first log record
     * of a process makes {@code java.util.logging}'s formatter read the time zone data
     * ({@code lib/tzdb.dat}). Calling this initialises this class, loads
     * {@link LogFallback} and {@link LoopTimer} (what {@link #pause} schedules), the
     * dispatcher's helpers that the warning and the connections still served run, and runs
     * the classification of {@code accept}'s error once.
     */
    static void prepare() {
        Warm.done();
    }

    /** Does the warming up in its initialiser, so it runs once. */
    private static final class Warm {
        static {
            try {
                LoopTimer.class.getName();
                LogFallback.class.getName();
                // What the warning (the listener's repr) and the connections accepted
                // before the shortage (their reads and writes) run: loading a class opens
                // its file, which fails once descriptors ran out.
                Repr.class.getName();
                StreamIo.class.getName();
                EventDispatch.class.getName();
                // The classification accept runs on the failure (and the classes it needs).
                IOException sample = new IOException("Too many open files");
                if (Disconnects.isDisconnect(sample) || !isDescriptorExhaustion(sample)) {
                    throw new AssertionError("EMFILE misclassified");
                }
                // The logger behind LOG: made on first use, and making it reads the logging
                // configuration from a file.
                LOG.isLoggable(Level.WARNING);
                // The formatter's date: TimeZone.getDefault() reads tzdb.dat on first use.
                String.format(Locale.getDefault(), "%1$tc", ZonedDateTime.now());
            } catch (RuntimeException | LinkageError | AssertionError e) {
                // Nothing to warm up then; LogFallback still keeps the pause path safe.
            }
        }

        static void done() {
            // initialising the class is the work
        }
    }

    /**
     * Whether {@code e} says the process or system has no descriptor left.
     *
     * @param e an exception from accept
     * @return true for EMFILE and ENFILE
     */
    static boolean isDescriptorExhaustion(IOException e) {
        String message = e.getMessage();
        if (message == null) {
            return false;
        }
        return message.contains("EMFILE") || message.contains("ENFILE")
                || message.toLowerCase(Locale.ROOT).contains("too many open files");
    }

    boolean paused() {
        return paused;
    }

    void pause(IOException cause) {
        pauses++;
        if (!inEpisode) {
            inEpisode = true;
            String line = "accept on " + listener + " failed: " + cause.getMessage()
                    + "; not accepting for " + PAUSE.toMillis() + " ms at a time until descriptors are free";
            try {
                LOG.log(Level.WARNING, line);
            } catch (Throwable failed) {
                LogFallback.print("WARNING: " + line, failed);
            }
        }
        paused = true;
        if (timer != null) {
            timer.cancel();
        }
        ChannelMap m = listener.owner;
        (m != null ? m : listener.map()).counters().countAcceptPause(listener, cause, PAUSE.toMillis());
        timer = (m != null ? m : listener.map()).timers().schedule(PAUSE, resume);
    }

    /** An accept worked: the episode is over. */
    void accepted() {
        if (inEpisode) {
            inEpisode = false;
            String line = "accepting again on " + listener + " after " + pauses + " pause(s)";
            try {
                LOG.log(Level.INFO, line);
            } catch (Throwable failed) {
                LogFallback.print("INFO: " + line, failed);
            }
            pauses = 0;
        }
    }

    void closed() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        paused = false;
    }

    private void resume() {
        timer = null;
        paused = false;
    }
}
