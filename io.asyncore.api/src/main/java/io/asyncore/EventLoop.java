package io.asyncore;

import io.asyncore.spi.Engines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A loop running on its own thread over its own {@link ChannelMap}: Python's
 * {@code asyncore.loop()} as a service. Inside OSGi, {@code io.asyncore.impl} registers
 * one as a service; elsewhere {@link #start(String)} makes one.
 *
 * <p>Unlike {@link Asyncore#loop()}, an event loop keeps running while its map is empty,
 * until {@link #close()}, and it delivers in Python's poll mode ({@code use_poll=True}; see
 * {@link Asyncore}).
 *
 * <p>Threading: {@link #execute}, {@link #register}, {@link #close()},
 * {@link #inEventLoop()} and the accessors are thread-safe. Everything else about a
 * dispatcher in this loop happens on the loop thread: its hooks run there, and tasks
 * given to {@link #execute} run there, in order.
 */
@ProviderType
public interface EventLoop extends Executor, AutoCloseable {

    /** The select timeout loops use unless told otherwise: 1 second. */
    Duration DEFAULT_SELECT_TIMEOUT = Duration.ofSeconds(1);

    /**
     * Starts a loop with the engine found by {@link Engines#get()}.
     *
     * @param name the loop's name, also its thread's name
     * @return the running loop
     * @throws UncheckedIOException if the system refuses a selector
     */
    static EventLoop start(String name) {
        try {
            return Engines.get().startEventLoop(name, DEFAULT_SELECT_TIMEOUT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start event loop " + name, e);
        }
    }

    /**
     * The loop's name.
     *
     * @return the name given at start
     */
    String name();

    /**
     * The map this loop serves. Dispatchers made with it join this loop: at once when made
     * on the loop thread, else once {@link Dispatcher#addChannel()} or {@link #register}
     * is called after their constructor returned (see the
     * {@linkplain io.asyncore package documentation}).
     *
     * @return the loop's map
     */
    ChannelMap map();

    /**
     * Whether the caller runs on the loop thread.
     *
     * @return true on the loop thread
     */
    boolean inEventLoop();

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once shutting down
     */
    boolean isClosed();

    /**
     * Runs {@code task} on the loop thread, after the current pass; wakes the loop. An
     * exception from the task is logged and does not stop the loop, but {@link ExitNow}
     * closes the loop.
     *
     * @param task the task
     * @throws java.util.concurrent.RejectedExecutionException after {@link #close()}
     */
    @Override
    void execute(Runnable task);

    /**
     * Runs {@code task} once on the loop thread after {@code delay}; the loop's wait is
     * shortened to the deadline. Thread-safe; wakes the loop when the timer is the
     * earliest. Timers go to {@link #map()}'s {@link TimerQueue}; closing the loop cancels
     * them.
     *
     * @param delay how long from now
     * @param task the task; an exception from it is logged
     * @return the timer, to cancel it
     * @throws java.util.concurrent.RejectedExecutionException after {@link #close()}
     */
    default LoopTimer schedule(Duration delay, Runnable task) {
        if (isClosed()) {
            throw new java.util.concurrent.RejectedExecutionException("event loop " + name() + " is closed");
        }
        return map().timers().schedule(delay, task);
    }

    /**
     * Runs {@code task} on the loop thread after {@code initialDelay}, then every
     * {@code period} until cancelled; runs missed while the loop was busy are skipped.
     *
     * @param initialDelay until the first run
     * @param period between two starts; positive
     * @param task the task; an exception from it is logged and the schedule goes on
     * @return the timer, to cancel it
     * @throws java.util.concurrent.RejectedExecutionException after {@link #close()}
     */
    default LoopTimer scheduleAtFixedRate(Duration initialDelay, Duration period, Runnable task) {
        if (isClosed()) {
            throw new java.util.concurrent.RejectedExecutionException("event loop " + name() + " is closed");
        }
        return map().timers().scheduleAtFixedRate(initialDelay, period, task);
    }

    /**
     * Moves {@code dispatcher} into this loop's map, on the loop thread. Thread-safe: the
     * way to hand over a dispatcher made on another thread, once its constructor returned.
     *
     * @param dispatcher a dispatcher with its socket created
     * @throws java.util.concurrent.RejectedExecutionException after {@link #close()}
     */
    void register(Dispatcher dispatcher);

    /**
     * Stops the loop: closes every dispatcher in its map on the loop thread, releases the
     * selector and waits for the thread to end. Idempotent. Called on the loop thread, it
     * stops the loop after the current pass without waiting.
     */
    @Override
    void close();
}
