package io.asyncore.impl;

import io.asyncore.EventLoop;
import io.asyncore.impl.jfr.FlightEvents;
import io.asyncore.spi.Engine;
import io.asyncore.spi.LoopDriver;
import io.asyncore.spi.LoopObserver;
import io.asyncore.spi.ReadinessBackend;
import java.io.IOException;
import java.time.Duration;

/**
 * The {@link Engine} built on {@link java.nio.channels.Selector}: epoll on Linux, kqueue
 * on macOS. Found by {@link java.util.ServiceLoader}; stateless and thread-safe.
 */
public final class SelectorEngine implements Engine {

    /** The engine; public for {@link java.util.ServiceLoader}. */
    public SelectorEngine() {}

    @Override
    public ReadinessBackend openBackend() throws IOException {
        return new SelectorBackend();
    }

    @Override
    public EventLoop startEventLoop(String name, Duration selectTimeout) throws IOException {
        return LoopDriver.start(name, selectTimeout, Thread.NORM_PRIORITY, new LoopExtras(BlockedLoopWatchdog.threshold()));
    }

    /**
     * Starts a loop with settings beyond the {@link Engine} contract, as configured loops
     * inside OSGi have them.
     *
     * @param name the loop's name, also its thread's name
     * @param selectTimeout the longest one wait for readiness may block (positive)
     * @param blockedThreshold how long one pass may hold the loop thread before it is logged
     *     with the thread's stack; zero turns the watchdog off, null means the default
     *     (system property {@code asyncore.blocked.threshold.ms}, else 2 s)
     * @param threadPriority the loop thread's priority, {@link Thread#MIN_PRIORITY} to
     *     {@link Thread#MAX_PRIORITY}
     * @return the running loop
     * @throws IOException if the operating system refuses a selector
     * @throws IllegalArgumentException if a setting is out of range
     */
    public EventLoop startEventLoop(String name, Duration selectTimeout, Duration blockedThreshold,
            int threadPriority) throws IOException {
        Duration threshold = blockedThreshold == null ? BlockedLoopWatchdog.threshold() : blockedThreshold;
        if (threshold.isNegative()) {
            throw new IllegalArgumentException("blocked-loop threshold must be 0 or more, got " + blockedThreshold);
        }
        return LoopDriver.start(name, selectTimeout, threadPriority, new LoopExtras(threshold));
    }

    /** Flight recorder events for slow handlers, accept pauses and failed hooks. */
    @Override
    public LoopObserver observer() {
        return FlightEvents.INSTANCE;
    }
}
