package io.asyncore;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
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
            LOG.log(Level.WARNING, "accept on " + listener + " failed: " + cause.getMessage()
                    + "; not accepting for " + PAUSE.toMillis() + " ms at a time until descriptors are free");
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
            LOG.log(Level.INFO, "accepting again on " + listener + " after " + pauses + " pause(s)");
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
