package io.asyncore.spi;

import io.asyncore.Dispatcher;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What an engine contributes to a loop: it watches registered channels and readiness
 * sources and reports which are ready. Everything else (asking {@code readable()} and
 * {@code writable()}, delivering events in Python's poll or select mode, timers, counters)
 * is the core's pass, the same for every backend.
 *
 * <p>One backend serves one {@link io.asyncore.ChannelMap}. A pass of the core registers
 * what is new, sets every {@link Registration}'s interest, then calls
 * {@link #waitReady} once, and {@link #pollReady} for a few more rounds when a large map
 * is busy. Events are {@link io.asyncore.Asyncore#POLLIN}, {@code POLLOUT}, {@code POLLPRI},
 * {@code POLLERR}, {@code POLLHUP} and {@code POLLNVAL}, or'ed: a backend reports a
 * completed connect as the event the dispatcher asked for, and an acceptable listener as
 * {@code POLLIN}, as Python's {@code select} does.
 *
 * <p>Threading: {@link #wakeup()} and {@link #close()} from any thread; every other
 * method on the loop thread only, which is also where the {@link ReadySink} is called.
 */
@ProviderType
public interface ReadinessBackend extends AutoCloseable {

    /**
     * Starts watching {@code channel} for {@code dispatcher}, with no interest yet: the
     * core sets it next with {@link Registration#interest}. Cheap; no system call needed.
     * Loop thread.
     *
     * @param channel the dispatcher's channel
     * @param dispatcher whom its events are for
     * @return the registration, which the dispatcher holds until its channel changes
     */
    Registration register(SelectableChannel channel, Dispatcher dispatcher);

    /**
     * Starts watching a readiness source (a raw file descriptor, say) for
     * {@code dispatcher}, as {@link #register(SelectableChannel, Dispatcher)} does for a
     * channel. A backend that watches file descriptors itself asks the source to
     * {@linkplain ReadinessSource#offerDescriptor offer} its descriptor and watches that
     * in its own wait set; others use the source's {@code interest} and {@code takeReady}.
     * Loop thread.
     *
     * @param source the dispatcher's {@link Dispatcher#readinessSource()}
     * @param dispatcher whom its events are for
     * @return the registration
     */
    Registration register(ReadinessSource source, Dispatcher dispatcher);

    /**
     * Waits until a registration is ready, {@link #wakeup()} is called, or
     * {@code timeoutMillis} passed, and reports every ready registration's dispatcher to
     * {@code sink} (in any order, each at most once per call). Returns at once when
     * something is ready already. Loop thread, once per pass.
     *
     * @param timeoutMillis the longest wait; 0 means do not wait at all
     * @param sink where ready dispatchers go
     * @throws IOException if waiting itself fails (never for one channel's error)
     */
    void waitReady(long timeoutMillis, ReadySink sink) throws IOException;

    /**
     * Another round within the same pass, after {@link #waitReady}: reports the channels
     * ready now without waiting. Readiness sources that detect readiness themselves report
     * in {@link #waitReady} only; descriptors the backend watches itself may report here too.
     * Loop thread.
     *
     * @param sink where ready dispatchers go
     * @throws IOException if polling itself fails
     */
    void pollReady(ReadySink sink) throws IOException;

    /** Makes a {@link #waitReady} in progress, or the next one, return at once. Any thread. */
    void wakeup();

    /**
     * Releases the backend's operating-system resources; its registrations become
     * invalid. Idempotent; any thread (the core never calls it from inside
     * {@link #waitReady} or {@link #pollReady}).
     */
    @Override
    void close();
}
