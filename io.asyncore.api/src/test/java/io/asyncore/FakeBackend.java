package io.asyncore;

import io.asyncore.spi.ReadinessBackend;
import io.asyncore.spi.ReadinessSource;
import io.asyncore.spi.ReadySink;
import io.asyncore.spi.Registration;
import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A readiness backend in memory, for testing the core's pass: a test says which
 * dispatchers are ready (in the order the backend reports them) and reads what the pass
 * asked of the registrations.
 */
final class FakeBackend implements ReadinessBackend {

    /** Every registration made, in order. */
    final List<FakeRegistration> registrations = new ArrayList<>();
    /** What the next wait reports, in this order. */
    final Map<Dispatcher, Integer> ready = new LinkedHashMap<>();
    /** The timeout of every wait so far. */
    final List<Long> waits = new ArrayList<>();
    /** What {@link Registration#interest} answers: settled or not. */
    boolean settles = true;
    volatile boolean closed;
    private boolean woken;

    /** Reports {@code d} ready for {@code events} in the next wait, after those set before. */
    FakeBackend ready(Dispatcher d, int events) {
        ready.put(d, events);
        return this;
    }

    /** The one live registration of {@code d}. */
    FakeRegistration of(Dispatcher d) {
        FakeRegistration found = null;
        for (FakeRegistration r : registrations) {
            if (r.dispatcher == d && !r.cancelled) {
                if (found != null) {
                    throw new AssertionError("two live registrations of " + d);
                }
                found = r;
            }
        }
        if (found == null) {
            throw new AssertionError("no live registration of " + d);
        }
        return found;
    }

    @Override
    public Registration register(SelectableChannel channel, Dispatcher dispatcher) {
        FakeRegistration r = new FakeRegistration(dispatcher, channel);
        registrations.add(r);
        return r;
    }

    @Override
    public Registration register(ReadinessSource source, Dispatcher dispatcher) {
        FakeRegistration r = new FakeRegistration(dispatcher, source);
        registrations.add(r);
        return r;
    }

    @Override
    public void waitReady(long timeoutMillis, ReadySink sink) throws java.io.IOException {
        synchronized (this) {
            waits.add(timeoutMillis);
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            // As a real backend: wait until woken or the timeout passed, unless told not to wait.
            while (timeoutMillis > 0 && ready.isEmpty() && !woken && !closed && deadline - System.nanoTime() > 0) {
                try {
                    wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted in a fake wait");
                }
            }
            woken = false;
        }
        List<Map.Entry<Dispatcher, Integer>> now = new ArrayList<>(ready.entrySet());
        ready.clear();
        for (Map.Entry<Dispatcher, Integer> e : now) {
            sink.ready(e.getKey(), e.getValue());
        }
    }

    @Override
    public void pollReady(ReadySink sink) {
        // nothing more is ever ready within a pass
    }

    @Override
    public synchronized void wakeup() {
        woken = true;
        notifyAll();
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    /** One registration: counts the interest calls and keeps the last events. */
    final class FakeRegistration implements Registration {
        final Dispatcher dispatcher;
        final Object target;
        final List<Integer> interests = new ArrayList<>();
        boolean cancelled;

        FakeRegistration(Dispatcher dispatcher, Object target) {
            this.dispatcher = dispatcher;
            this.target = target;
        }

        @Override
        public boolean interest(int events) {
            interests.add(events);
            return settles;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public boolean isValid() {
            return !cancelled && !closed;
        }
    }
}
