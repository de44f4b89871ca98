package io.asyncore.spi;

import io.asyncore.ChannelMap;
import java.io.IOException;

/**
 * How an engine's event-loop thread serves its {@link ChannelMap} with the core's pass:
 * the entry points an engine needs that applications must not see on {@link ChannelMap}.
 * The core provides the one implementation; the static methods reach it.
 *
 * <p>Threading: {@link #serve}, {@link #pass} and {@link #release} on the loop thread
 * (the thread that called {@link #serve}); {@link #open} on any thread before the loop
 * thread starts.
 */
public abstract class LoopDriver {

    private static volatile LoopDriver core;

    /**
     * For the core's implementation, made once when {@link ChannelMap} is initialised.
     *
     * @throws IllegalStateException if the core's implementation exists already, or the
     *     caller is not the core
     */
    protected LoopDriver() {
        synchronized (LoopDriver.class) {
            if (core != null || getClass().getClassLoader() != LoopDriver.class.getClassLoader()
                    || !"io.asyncore".equals(getClass().getPackageName())) {
                throw new IllegalStateException("only io.asyncore drives loops, not " + getClass().getName());
            }
            core = this;
        }
    }

    /**
     * Makes the current thread the one that serves {@code map}: dispatchers made here without
     * a map join it, loop-only code checks it runs here, and the map's watchdog clock starts.
     *
     * @param map the loop's map
     */
    public static void serve(ChannelMap map) {
        core(map).serveOnThisThread(map);
    }

    /**
     * Opens {@code map}'s backend now, so that a loop that cannot have one fails on the
     * thread that starts it.
     *
     * @param map the loop's map
     * @throws java.io.UncheckedIOException if the engine cannot open a backend
     */
    public static void open(ChannelMap map) {
        core(map).openBackend(map);
    }

    /**
     * One pass over {@code map} in Python's poll mode, even over an empty map (a loop
     * waits for tasks too).
     *
     * @param map the loop's map
     * @param timeoutMillis the longest wait; 0 means do not wait
     * @throws IOException if waiting itself fails
     */
    public static void pass(ChannelMap map, long timeoutMillis) throws IOException {
        core(map).runPass(map, timeoutMillis);
    }

    /**
     * Closes {@code map}'s backend, once the loop has closed every dispatcher.
     *
     * @param map the loop's map
     */
    public static void release(ChannelMap map) {
        core(map).releaseBackend(map);
    }

    private static LoopDriver core(ChannelMap map) {
        if (map == null) {
            throw new NullPointerException("map is null");
        }
        return core; // made when ChannelMap was initialised, which map proves
    }

    /**
     * See {@link #serve}.
     *
     * @param map the map
     */
    protected abstract void serveOnThisThread(ChannelMap map);

    /**
     * See {@link #open}.
     *
     * @param map the map
     */
    protected abstract void openBackend(ChannelMap map);

    /**
     * See {@link #pass}.
     *
     * @param map the map
     * @param timeoutMillis the longest wait
     * @throws IOException if waiting fails
     */
    protected abstract void runPass(ChannelMap map, long timeoutMillis) throws IOException;

    /**
     * See {@link #release}.
     *
     * @param map the map
     */
    protected abstract void releaseBackend(ChannelMap map);
}
