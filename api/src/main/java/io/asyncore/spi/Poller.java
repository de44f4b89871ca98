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
     * One pass in Python's poll mode: {@code poll(map, timeoutMillis, true)}.
     *
     * @param map the map to serve; always the map this poller belongs to
     * @param timeoutMillis how long to wait; 0 means do not wait at all
     * @throws IOException if waiting itself fails (never for one channel's error)
     */
    default void poll(ChannelMap map, long timeoutMillis) throws IOException {
        poll(map, timeoutMillis, true);
    }

    /**
     * One pass: asks every dispatcher in {@code map} {@code readable()} and
     * {@code writable()}, waits up to {@code timeoutMillis} for readiness, and delivers
     * the ready events. In poll mode each ready dispatcher gets its events through
     * {@link io.asyncore.Asyncore#readwrite}; in select mode (Python's default) the pass
     * calls {@link io.asyncore.Asyncore#read} for every ready dispatcher in
     * {@link ChannelMap#position map order}, then {@link io.asyncore.Asyncore#write}, then
     * {@link io.asyncore.Asyncore#exception}.
     *
     * @param map the map to serve; always the map this poller belongs to
     * @param timeoutMillis how long to wait; 0 means do not wait at all
     * @param usePoll Python's {@code use_poll}: poll mode when true, select mode when false
     * @throws IOException if waiting itself fails (never for one channel's error)
     */
    void poll(ChannelMap map, long timeoutMillis, boolean usePoll) throws IOException;

    /** Makes a pass that is waiting, or the next one, return at once. Any thread. */
    void wakeup();

    /** Releases the poller's operating-system resources. Idempotent; any thread. */
    @Override
    void close();
}
