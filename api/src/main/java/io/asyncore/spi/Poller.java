package io.asyncore.spi;

import io.asyncore.ChannelMap;
import java.io.IOException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs passes over one {@link ChannelMap}: the Java form of Python's {@code poll()}.
 *
 * <p>Threading: {@link #poll} runs on the thread that drives the map (the loop thread)
 * and calls every dispatcher hook there. {@link #wakeup()} and {@link #close()} may be
 * called from any thread.
 */
@ProviderType
public interface Poller extends AutoCloseable {

    /**
     * One pass: asks every dispatcher in {@code map} {@code readable()} and
     * {@code writable()}, waits up to {@code timeoutMillis} for readiness, and dispatches
     * the ready events through {@link io.asyncore.Asyncore#readwrite}.
     *
     * @param map the map to serve; always the map this poller belongs to
     * @param timeoutMillis how long to wait; 0 means do not wait at all
     * @throws IOException if waiting itself fails (never for one channel's error)
     */
    void poll(ChannelMap map, long timeoutMillis) throws IOException;

    /** Makes a pass that is waiting, or the next one, return at once. Any thread. */
    void wakeup();

    /** Releases the poller's operating-system resources. Idempotent; any thread. */
    @Override
    void close();
}
