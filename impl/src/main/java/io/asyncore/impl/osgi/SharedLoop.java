package io.asyncore.impl.osgi;

import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;

/**
 * The {@link EventLoop} service object: the bundle's loop, except that no consumer can
 * close it. The loop belongs to bundle {@code io.asyncore.impl} and ends when that
 * bundle stops.
 */
final class SharedLoop implements EventLoop {

    private final EventLoop loop;

    SharedLoop(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public String name() {
        return loop.name();
    }

    @Override
    public ChannelMap map() {
        return loop.map();
    }

    @Override
    public boolean inEventLoop() {
        return loop.inEventLoop();
    }

    @Override
    public boolean isClosed() {
        return loop.isClosed();
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    @Override
    public void register(Dispatcher dispatcher) {
        loop.register(dispatcher);
    }

    /**
     * Refuses: the shared loop ends when bundle {@code io.asyncore.impl} stops.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public void close() {
        throw new UnsupportedOperationException("event loop " + loop.name()
                + " is shared by the framework; stop bundle io.asyncore.impl to stop it");
    }

    @Override
    public String toString() {
        return loop.toString();
    }
}
