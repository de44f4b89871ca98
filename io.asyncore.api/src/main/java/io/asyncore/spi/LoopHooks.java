package io.asyncore.spi;

import io.asyncore.EventLoop;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What an engine adds to an event loop that the core runs: a watchdog, a management bean.
 * One instance per loop, given to {@link LoopDriver#start}; it may keep per-loop state.
 *
 * <p>Threading: {@link #starting} on the thread that starts the loop, before the loop
 * thread runs; {@link #ended} on the loop thread, after its last pass, once every
 * dispatcher is closed and the backend released.
 */
@ConsumerType
public interface LoopHooks {

    /** Hooks that add nothing. */
    LoopHooks NONE = new LoopHooks() { };

    /**
     * The loop is about to start its thread.
     *
     * @param loop the loop
     * @param thread its thread, not started yet
     */
    default void starting(EventLoop loop, Thread thread) {
        // nothing by default
    }

    /**
     * The loop has ended; its thread is about to end. Must not throw.
     *
     * @param loop the loop
     */
    default void ended(EventLoop loop) {
        // nothing by default
    }
}
