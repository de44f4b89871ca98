package io.asyncore.spi;

import io.asyncore.EventLoop;
import java.io.IOException;
import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A readiness engine: opens the {@link ReadinessBackend}s that the core's passes over
 * {@link io.asyncore.ChannelMap}s and the core's {@link EventLoop}s wait in.
 *
 * <p>Found through {@link java.util.ServiceLoader} on the module path and the class path,
 * or installed explicitly with {@link Engines#install(Engine)} (which is what the OSGi
 * activator of {@code io.asyncore.impl} does). Implementations are thread-safe.
 */
@ProviderType
public interface Engine {

    /**
     * Opens a backend for one map's passes. Any thread.
     *
     * @return a new backend; the caller closes it
     * @throws IOException if the operating system refuses a selector
     */
    ReadinessBackend openBackend() throws IOException;

    /**
     * Starts a loop on a new thread: the core's loop ({@link LoopDriver#start}), which an
     * engine overrides only to add {@link LoopHooks} (a watchdog, say).
     *
     * @param name the loop's name, also its thread's name
     * @param selectTimeout the longest one wait for readiness may block; tasks and new
     *     dispatchers wake the loop earlier
     * @return the running loop
     * @throws IOException if the operating system refuses a selector
     */
    default EventLoop startEventLoop(String name, Duration selectTimeout) throws IOException {
        return LoopDriver.start(name, selectTimeout, Thread.NORM_PRIORITY, LoopHooks.NONE);
    }

    /**
     * Who hears of slow handlers, accept pauses and failed hooks in the maps whose
     * backends this engine opens (see {@link LoopCounters#observe}).
     *
     * @return the observer, or null for none
     */
    default LoopObserver observer() {
        return null;
    }
}
