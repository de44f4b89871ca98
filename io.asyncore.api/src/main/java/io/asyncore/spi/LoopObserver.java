package io.asyncore.spi;

import io.asyncore.Dispatcher;
import java.io.IOException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Hears of the conditions an operator wants to see in a recording: a slow handler, an
 * accept pause, a hook that failed. Called on the loop thread, rarely (never per event
 * in a healthy loop); an implementation must be quick and must not throw. The engine
 * installs one per map ({@link LoopCounters#observe}); it turns them into flight
 * recorder events.
 */
@ConsumerType
public interface LoopObserver {

    /**
     * A delivery to {@code d} kept the loop thread for {@code nanos}.
     *
     * @param d the dispatcher
     * @param nanos how long its hooks ran
     * @param thresholdNanos the slow-handler threshold it passed
     */
    void slowHandler(Dispatcher d, long nanos, long thresholdNanos);

    /**
     * {@code listener} stopped accepting for a while: descriptors ran out.
     *
     * @param listener the listening dispatcher
     * @param cause the accept failure
     * @param pauseMillis how long it pauses
     */
    void acceptPaused(Dispatcher listener, IOException cause, long pauseMillis);

    /**
     * {@code d}'s default {@code handleError} got {@code error}: a hook threw it (not a
     * disconnect), or a per-connection limit was reached
     * ({@link io.asyncore.LimitExceededException}); the connection is closed next.
     *
     * @param d the dispatcher
     * @param error what was thrown
     */
    void hookFailed(Dispatcher d, Throwable error);
}
