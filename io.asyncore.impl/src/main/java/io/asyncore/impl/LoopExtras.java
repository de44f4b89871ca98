package io.asyncore.impl;

import io.asyncore.EventLoop;
import io.asyncore.impl.jmx.LoopMBean;
import io.asyncore.spi.LoopHooks;
import java.time.Duration;
import javax.management.ObjectName;

/**
 * What the selector engine adds to each of the core's event loops: the blocked-loop
 * watchdog's watch and the loop's management bean, both gone when the loop ends.
 */
final class LoopExtras implements LoopHooks {

    private final Duration blockedThreshold;
    private volatile BlockedLoopWatchdog.Watch watch;
    private volatile ObjectName mbean;

    LoopExtras(Duration blockedThreshold) {
        this.blockedThreshold = blockedThreshold;
    }

    @Override
    public void starting(EventLoop loop, Thread thread) {
        watch = BlockedLoopWatchdog.watch(loop.name(), thread, loop.map(), blockedThreshold);
        mbean = LoopMBean.register(loop);
    }

    @Override
    public void ended(EventLoop loop) {
        BlockedLoopWatchdog.Watch w = watch;
        if (w != null) {
            BlockedLoopWatchdog.unwatch(w); // before the loop thread ends: no thread outlives the loop
        }
        LoopMBean.unregister(mbean);
    }
}
