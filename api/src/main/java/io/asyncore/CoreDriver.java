package io.asyncore;

import io.asyncore.spi.LoopDriver;
import java.io.IOException;

/**
 * The core's {@link LoopDriver}: lets an engine's event-loop thread reach the pass and the
 * thread's default map, which are package-private so that applications do not see them.
 * Made once, when {@link ChannelMap} is initialised.
 */
final class CoreDriver extends LoopDriver {

    @Override
    protected void serveOnThisThread(ChannelMap map) {
        ChannelMap.setThreadDefault(map);
        // Busy from here: tasks queued before the first pass run before any wait, and the
        // watchdog must see them too.
        map.counters().busyFrom(System.nanoTime());
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
