package io.asyncore.impl;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.spi.ReadinessSource;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The dispatchers whose {@link ReadinessSource} reported readiness (raw file descriptors
 * the selector cannot watch), queued from any thread and delivered on the loop thread.
 *
 * <p>Threading: {@link #waker()}'s {@code ready} from any thread (it wakes the poller);
 * {@link #drain} on the loop thread only.
 */
final class ReadySources {

    private final ConcurrentLinkedQueue<Dispatcher> ready = new ConcurrentLinkedQueue<>();
    private final ReadinessSource.Waker waker;

    /** A queue that runs {@code wakeup} whenever a source reports. */
    ReadySources(Runnable wakeup) {
        this.waker = d -> {
            ready.add(d);
            wakeup.run();
        };
    }

    /** What sources report through; thread-safe. */
    ReadinessSource.Waker waker() {
        return waker;
    }

    /** Whether no source has reported since the last {@link #drain}. */
    boolean isEmpty() {
        return ready.isEmpty();
    }

    /**
     * Takes every reported source's events: delivered at once through
     * {@link Asyncore#readwrite} in poll mode ({@code selectMode} null), recorded for the
     * select-mode phases otherwise (or, for a dispatcher the pass's snapshot does not
     * hold, delivered at once too).
     */
    void drain(ChannelMap map, SelectModeDelivery selectMode) {
        Dispatcher d;
        while ((d = ready.poll()) != null) {
            if (!map.contains(d)) {
                continue;
            }
            ReadinessSource source = d.readinessSource();
            int flags;
            try {
                flags = source == null ? 0 : source.takeReady();
            } catch (Throwable e) {
                Asyncore.fail(d, e);
                continue;
            }
            if (flags == 0) {
                continue;
            }
            // taken events cannot be asked for again: unless recorded, deliver them now
            if (selectMode == null || !selectMode.record(map, d, null, flags)) {
                Asyncore.readwrite(d, flags);
            }
        }
    }
}
