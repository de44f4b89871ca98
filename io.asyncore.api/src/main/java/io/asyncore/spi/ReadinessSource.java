package io.asyncore.spi;

import io.asyncore.Dispatcher;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Readiness for a dispatcher whose channel the JDK selector cannot watch (a raw Unix
 * file descriptor, say). A dispatcher returns one from
 * {@link Dispatcher#readinessSource()}; the core registers it with the map's
 * {@link ReadinessBackend} as it registers a channel.
 *
 * <p>Threading: the backend calls {@link #interest} and {@link #takeReady()} only on the
 * loop thread. The source may detect readiness on any thread and reports it through the
 * {@link Waker}, which is thread-safe and wakes the loop; user code still runs only on
 * the loop thread.
 */
@ConsumerType
public interface ReadinessSource {

    /**
     * Tells the source what the dispatcher wants this pass. Called on the loop thread on
     * every pass in which the dispatcher has a source, so it must be cheap when nothing
     * changed.
     *
     * @param read whether {@code readable()} answered true
     * @param write whether {@code writable()} answered true
     * @param waker how to report readiness to the loop, from any thread
     */
    void interest(boolean read, boolean write, Waker waker);

    /**
     * Takes and clears the events seen since the last call, as
     * {@link io.asyncore.Asyncore#POLLIN}, {@link io.asyncore.Asyncore#POLLOUT},
     * {@link io.asyncore.Asyncore#POLLHUP} and friends. Loop thread only.
     *
     * @return the ready flags, 0 if nothing is ready
     */
    int takeReady();

    /** Reports that a dispatcher's source has events to take. */
    @FunctionalInterface
    interface Waker {
        /**
         * Queues {@code dispatcher} for {@link ReadinessSource#takeReady()} on the loop
         * thread and wakes the loop. Thread-safe.
         *
         * @param dispatcher the dispatcher whose source became ready
         */
        void ready(Dispatcher dispatcher);
    }
}
