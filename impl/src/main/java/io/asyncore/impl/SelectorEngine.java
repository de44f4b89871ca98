package io.asyncore.impl;

import io.asyncore.EventLoop;
import io.asyncore.impl.jfr.FlightEvents;
import io.asyncore.spi.Engine;
import io.asyncore.spi.LoopObserver;
import io.asyncore.spi.Poller;
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
    public Poller openPoller() throws IOException {
        return new SelectorPoller();
    }

    @Override
    public EventLoop startEventLoop(String name, Duration selectTimeout) throws IOException {
        return SelectorEventLoop.start(name, selectTimeout);
    }

    /** Flight recorder events for slow handlers, accept pauses and failed hooks. */
    @Override
    public LoopObserver observer() {
        return FlightEvents.INSTANCE;
    }
}
