package io.asyncore.spi;

import io.asyncore.Dispatcher;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a {@link ReadinessBackend} reports ready registrations during
 * {@link ReadinessBackend#waitReady} and {@link ReadinessBackend#pollReady}. The core
 * implements it: it checks that the dispatcher is still a member with the same channel
 * (one closed earlier in the pass gets nothing) and delivers with Python's error handling,
 * at once in poll mode or in map order after the wait in select mode.
 *
 * <p>Threading: loop thread only, from inside the backend's wait or poll call.
 */
@ProviderType
public interface ReadySink {

    /**
     * A registration of {@code dispatcher} is ready.
     *
     * @param dispatcher the registration's dispatcher
     * @param events what is ready, as {@link io.asyncore.Asyncore#POLLIN} and friends
     * @return true if events were delivered to a hook just now (poll mode), false if
     *     they were recorded for later or dropped
     */
    boolean ready(Dispatcher dispatcher, int events);

    /**
     * Whether {@code dispatcher} is still served by the pass: a backend asks before it takes
     * a readiness source's events (which cannot be asked for twice), so none are taken for
     * a dispatcher that left the map.
     *
     * @param dispatcher a dispatcher with a readiness source
     * @return true if events for it would be delivered
     */
    boolean serves(Dispatcher dispatcher);

    /**
     * Taking a readiness source's events failed: {@code error} goes to the dispatcher's
     * error handling, as a failed hook's would.
     *
     * @param dispatcher the source's dispatcher
     * @param error what the source threw
     */
    void failed(Dispatcher dispatcher, Throwable error);
}
