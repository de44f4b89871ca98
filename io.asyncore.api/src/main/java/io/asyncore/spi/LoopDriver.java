package io.asyncore.spi;

import io.asyncore.ChannelMap;
import io.asyncore.EventLoop;
import java.io.IOException;
import java.time.Duration;

/**
 * The core's loops for engines: {@link #start} runs an {@link EventLoop} (thread, tasks,
 * passes) whose only engine parts are the backend and the {@link LoopHooks}; the other
 * methods let an engine drive a map's passes on a thread of its own. These are the entry
 * points an engine needs that applications must not see on {@link ChannelMap}. The core
 * provides the one implementation; the static methods reach it.
 *
 * <p>Threading: {@link #start} and {@link #open} on any thread; {@link #serve},
 * {@link #pass} and {@link #release} on the loop thread (the thread that called
 * {@link #serve}).
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
     * Starts an event loop of the core on a new thread, waiting in a backend of the engine
     * in use ({@link Engines#get()}).
     *
     * @param name the loop's name, also its thread's name
     * @param selectTimeout the longest one wait may block (positive); tasks and new
     *     dispatchers wake the loop earlier
     * @param threadPriority the thread's priority, {@link Thread#MIN_PRIORITY} to
     *     {@link Thread#MAX_PRIORITY}
     * @param hooks what the engine adds around the thread, or {@link LoopHooks#NONE}
     * @return the running loop
     * @throws IOException if no backend can be opened
     * @throws IllegalArgumentException if a setting is out of range
     */
    public static EventLoop start(String name, Duration selectTimeout, int threadPriority, LoopHooks hooks)
            throws IOException {
        return core().startLoop(name, selectTimeout, threadPriority, hooks);
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

    private static LoopDriver core() {
        LoopDriver c = core;
        if (c == null) {
            ChannelMap.defaultMap(); // initialising ChannelMap makes the core's driver
            c = core;
        }
        return c;
    }

    private static LoopDriver core(ChannelMap map) {
        if (map == null) {
            throw new NullPointerException("map is null");
        }
        return core; // made when ChannelMap was initialised, which map proves
    }

    /**
     * See {@link #start}.
     *
     * @param name the name
     * @param selectTimeout the longest wait
     * @param threadPriority the priority
     * @param hooks the engine's hooks
     * @return the loop
     * @throws IOException if no backend can be opened
     */
    protected abstract EventLoop startLoop(String name, Duration selectTimeout, int threadPriority, LoopHooks hooks)
            throws IOException;

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
