package io.asyncore.impl;

import io.asyncore.Dispatcher;
import io.asyncore.spi.ReadinessSource;
import io.asyncore.spi.ReadySink;
import io.asyncore.spi.Registration;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The readiness sources (raw file descriptors the selector cannot watch) registered with
 * a {@link SelectorBackend}: a source reports readiness from any thread into a queue that
 * wakes the selector, and the wait drains the queue on the loop thread.
 *
 * <p>Threading: {@link #waker()}'s {@code ready} from any thread; the rest on the loop
 * thread.
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

    /** Registers {@code source}: its interest is passed on every pass (sources keep it cheap). */
    Registration register(ReadinessSource source) {
        return new SourceRegistration(source);
    }

    /** Whether no source has reported since the last {@link #drain}. */
    boolean isEmpty() {
        return ready.isEmpty();
    }

    /**
     * Takes every reported source's events and reports them to {@code sink}; none are
     * taken for a dispatcher the pass no longer serves.
     */
    void drain(ReadySink sink) {
        Dispatcher d;
        while ((d = ready.poll()) != null) {
            if (!sink.serves(d)) {
                continue;
            }
            ReadinessSource source = d.readinessSource();
            int flags;
            try {
                flags = source == null ? 0 : source.takeReady();
            } catch (Throwable e) {
                sink.failed(d, e);
                continue;
            }
            if (flags != 0) {
                sink.ready(d, flags);
            }
        }
    }

    /** One source: the pass's answers go to it every pass, as its contract says. */
    private final class SourceRegistration implements Registration {

        private final ReadinessSource source;
        private volatile boolean cancelled;

        SourceRegistration(ReadinessSource source) {
            this.source = source;
        }

        @Override
        public boolean interest(int events) {
            if (!cancelled) {
                source.interest((events & io.asyncore.Asyncore.POLLIN) != 0,
                        (events & io.asyncore.Asyncore.POLLOUT) != 0, waker);
            }
            return false; // asked every pass: the source decides what is cheap
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public boolean isValid() {
            return !cancelled;
        }
    }
}
