package io.asyncore.spi;

import io.asyncore.Dispatcher;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Readiness for a dispatcher whose channel the JDK selector cannot watch (a raw Unix
 * file descriptor, say). A dispatcher returns one from
 * {@link Dispatcher#readinessSource()}; the core registers it with the map's
 * {@link ReadinessBackend} as it registers a channel.
 *
 * <p>A source over a file descriptor may instead {@linkplain #offerDescriptor offer} it
 * to a backend that watches descriptors in its own wait set: then the backend reports
 * the descriptor's events itself and the source detects nothing.
 *
 * <p>Threading: the backend calls {@link #interest}, {@link #takeReady()} and
 * {@link #offerDescriptor} only on the loop thread. The source may detect readiness on
 * any thread and reports it through the {@link Waker}, which is thread-safe and wakes the
 * loop; user code still runs only on the loop thread.
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

    /**
     * Offers this source's file descriptor to a backend that watches descriptors in its
     * own wait set (one epoll set for all of a loop's descriptors, say), instead of having
     * the source detect readiness itself.
     *
     * <p>A backend able to do so calls this once, on the loop thread, when it registers
     * the source ({@link ReadinessBackend#register(ReadinessSource, Dispatcher)}), passing
     * the registration it is making. If the answer is a descriptor (0 or more), the
     * backend watches it from then on for what {@link Registration#interest} asks, reports
     * its events to the {@link ReadySink} itself, as the JDK selector reports a channel's
     * (hang-up and error as the read or write readiness asked for, so that {@code read(2)}
     * finds the end of file and {@code write(2)} finds {@code EPIPE}), and never calls
     * {@link #interest} or {@link #takeReady()}: the source watches nothing and starts no
     * thread of its own. In return the source cancels {@code registration} before its
     * descriptor is closed or replaced, so that the backend takes it out of its wait set
     * while it still can; the core registers the dispatcher afresh if it stays in the map.
     * A backend that cannot watch descriptors never calls this.
     *
     * @param registration the backend's registration of this source, which the source
     *     cancels (from any thread) before its descriptor goes
     * @return the descriptor to watch, or -1 (the default) when the source has none to
     *     offer and detects readiness itself, through {@link #interest} and
     *     {@link #takeReady()}
     */
    default int offerDescriptor(Registration registration) {
        return -1;
    }

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
