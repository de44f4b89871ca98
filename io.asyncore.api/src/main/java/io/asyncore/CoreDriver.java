package io.asyncore;

import io.asyncore.spi.LoopDriver;
import io.asyncore.spi.LoopHooks;
import java.io.IOException;
import java.time.Duration;

/**
 * The core's {@link LoopDriver}: lets an engine start the core's event loops, or drive a
 * map's passes itself, through entry points that are package-private so that applications
 * do not see them. Made once, when {@link ChannelMap} is initialised.
 */
final class CoreDriver extends LoopDriver {

    @Override
    protected EventLoop startLoop(String name, Duration selectTimeout, int threadPriority, LoopHooks hooks)
            throws IOException {
        return LoopThread.start(name, selectTimeout, threadPriority, hooks);
    }

    @Override
    protected void serveOnThisThread(ChannelMap map) {
        LoopThread.serve(map);
    }

    @Override
    protected void openBackend(ChannelMap map) {
        map.pass();
    }

    @Override
    protected void runPass(ChannelMap map, long timeoutMillis) throws IOException {
        map.pass().run(timeoutMillis, true);
    }

    @Override
    protected void releaseBackend(ChannelMap map) {
        map.releaseBackend();
    }
}
