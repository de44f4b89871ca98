package io.asyncore;

import io.asyncore.spi.LoopCounters;
import io.asyncore.spi.ReadinessBackend;
import io.asyncore.spi.ReadinessSource;
import io.asyncore.spi.ReadySink;
import io.asyncore.spi.Registration;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Python's pass over one map, {@code poll()} or {@code poll2()}, waiting in the map's
 * {@link ReadinessBackend}.
 *
 * <p>Each pass asks every member {@code readable()} and {@code writable()}, and tells its
 * {@link Registration} only when an answer changed: the answers last given are kept in the
 * dispatcher as a stamp, so the idle path of the loop touches nothing but the dispatchers
 * (at 10,000 channels a pass is bound by memory). Then the pass waits, delivers (in poll
 * mode through {@link Asyncore#readwrite} as the backend reports, in select mode through
 * {@link SelectModeDelivery}'s phases in map order), runs the due timers and counts
 * itself. A dispatcher that left the map earlier in the pass, or got a new channel, gets
 * nothing. An exception from any hook, {@code readable()} and {@code writable()} included,
 * reaches that dispatcher's {@code handleError}.
 *
 * <p>Extra rounds (poll mode only; select mode keeps Python's one select per pass): in a
 * map of at least {@value #AMORTISE_FROM} dispatchers asking every one costs far more
 * than polling the backend again, so while a round delivered events the pass makes up to
 * {@value #EXTRA_ROUNDS} more {@link ReadinessBackend#pollReady} rounds. Every delivery is
 * still preceded by fresh answers: a dispatcher ready in an extra round is asked again,
 * its interest updated if the answers changed, and it receives only what they ask for.
 *
 * <p>Clock: at most one {@link System#nanoTime()} per idle pass, and none when the pass
 * did not wait, for the watchdog's busy-since stamp (see {@link LoopCounters#busyFrom}).
 *
 * <p>Threading: {@link #run} on the loop thread; {@link #wakeup()} and {@link #close()}
 * from any thread.
 */
final class Pass implements ReadySink {

    /** From this many members on, a poll-mode pass that delivered events makes extra rounds. */
    static final int AMORTISE_FROM = 512;
    /** At most this many extra rounds per pass. */
    static final int EXTRA_ROUNDS = 8;
    /** Every this many passes every member's registration is told its interest again. */
    private static final int VALIDATE_EVERY = 256;
    /** Stamp bit: the registration said it needs no call while the answers stay the same. */
    private static final int SETTLED = 0x2; // POLLIN is 0x1 and POLLOUT 0x4
    private static final int OWN_BITS = 0x7;
    private static final int CLOSING = Asyncore.POLLHUP | Asyncore.POLLERR | Asyncore.POLLNVAL;
    private static final AtomicInteger EPOCHS = new AtomicInteger();

    private final ChannelMap map;
    private final ReadinessBackend backend;
    /** This pass's mark in a stamp (bits 3 and up, never 0): stamps of other passes never match. */
    private final int epoch = Math.max(1, EPOCHS.incrementAndGet() & 0x0FFFFFFF) << 3;
    private final SelectModeDelivery selectMode = new SelectModeDelivery();
    private final ReadySink again = new ExtraRound();
    private Dispatcher[] members;
    private int passes;
    private boolean selecting;
    private boolean waited;
    /** When the wait ended (nanoTime), 0 until then: read once per pass at most. */
    private long wokeAt;
    private int reported;
    private int delivered;
    private boolean closeAfterPass;
    private volatile boolean closed;
    private volatile Thread running;

    Pass(ChannelMap map, ReadinessBackend backend) {
        this.map = map;
        this.backend = backend;
    }

    /**
     * One pass.
     *
     * @param timeoutMillis the longest wait; 0 means do not wait
     * @param usePoll poll mode when true, select mode when false
     */
    void run(long timeoutMillis, boolean usePoll) throws IOException {
        assert map.isLoopThread() : map + " is served by another thread";
        if (closed) {
            throw new ClosedChannelException();
        }
        running = Thread.currentThread();
        try {
            selecting = !usePoll;
            int count = askAll(selecting);
            TimerQueue timers = map.timers();
            long wait = timers.waitMillis(timeoutMillis); // the next timer shortens the wait
            LoopCounters counters = map.counters();
            waited = wait > 0;
            wokeAt = 0;
            reported = 0;
            delivered = 0;
            if (waited) {
                counters.idle();
            }
            if (selecting) {
                selectMode.begin(members, count);
            }
            backend.waitReady(wait, this);
            if (waited && wokeAt == 0) {
                wake();
            }
            if (selecting) {
                selectMode.deliver(map);
                Arrays.fill(members, 0, count, null); // do not keep closed dispatchers reachable
            } else if (count >= AMORTISE_FROM) {
                extraRounds();
            }
            int ran = timers.runDue();
            // An idle pass kept the thread for next to nothing: no second clock read for it.
            counters.countPass(wokeAt != 0 && (reported > 0 || ran > 0) ? System.nanoTime() - wokeAt : 0);
        } finally {
            running = null;
            if (closeAfterPass) {
                closeAfterPass = false;
                backend.close();
            }
        }
    }

    /**
     * Asks every member what it wants and tells the registrations whose answers changed.
     * Returns how many members the snapshot holds.
     */
    private int askAll(boolean keepSnapshot) {
        Dispatcher[] all = members = map.snapshot(members);
        boolean validate = ++passes % VALIDATE_EVERY == 0;
        int settled = epoch | SETTLED;
        int i = 0;
        for (; i < all.length; i++) {
            Dispatcher d = all[i];
            if (d == null) {
                break;
            }
            if (!keepSnapshot) {
                all[i] = null; // do not keep closed dispatchers reachable
            }
            if (d.owner != map || d.standingAside) {
                continue; // map.contains(d), spelled out so that this loop stays small
            }
            try {
                int answers = answers(d);
                // The unchanged case touches only the dispatcher.
                if (d.passStamp == (settled | answers) && d.registeredFor == d.channel() && !validate) {
                    continue;
                }
                refresh(d, answers);
            } catch (Throwable e) {
                Delivery.fail(d, e);
            }
        }
        return i;
    }

    private static int answers(Dispatcher d) {
        return (d.pollReadable() ? Asyncore.POLLIN : 0) | (d.pollWritable() ? Asyncore.POLLOUT : 0);
    }

    /**
     * Registers {@code d}'s channel or readiness source with the backend if it has none
     * there (cancelling one for an old channel or another backend), and sets its interest.
     */
    private void refresh(Dispatcher d, int answers) throws IOException {
        SelectableChannel channel = d.channel();
        Object target = channel != null ? channel : d.readinessSource();
        Registration r = d.registration;
        // A source cancels its registration when its descriptor goes (see
        // ReadinessSource.offerDescriptor): registered afresh, with the descriptor it has now.
        if (r != null && (d.registeredFor != target || (d.passStamp & ~OWN_BITS) != epoch
                || (channel == null && !r.isValid()))) {
            r.cancel();
            r = d.registration = null;
            d.registeredFor = null;
        }
        if (r == null) {
            if (target == null) {
                d.passStamp = 0;
                return;
            }
            r = channel != null ? backend.register(channel, d) : backend.register((ReadinessSource) target, d);
            d.registration = r;
            d.registeredFor = target;
        }
        d.passStamp = epoch | answers;
        if (r.interest(answers)) {
            d.passStamp = epoch | SETTLED | answers;
        }
    }

    private void extraRounds() throws IOException {
        for (int round = 0; round < EXTRA_ROUNDS && delivered > 0 && !closeAfterPass; round++) {
            delivered = 0;
            backend.pollReady(again);
        }
    }

    /** The wait ended: the loop is busy again from now (for the watchdog, if it waited). */
    private void wake() {
        wokeAt = System.nanoTime();
        if (waited) {
            map.counters().busyFrom(wokeAt);
        }
    }

    @Override
    public boolean ready(Dispatcher d, int events) {
        reported++;
        if (wokeAt == 0) {
            wake();
        }
        if (!serves(d)) {
            forgetIfLeft(d);
            return false;
        }
        SelectableChannel channel = d.channel();
        // Select mode delivers after the wait, in map order. A readiness source's events,
        // taken already, cannot be asked for again: unless recorded, they go out now.
        if (selecting && (selectMode.record(map, d, channel, events) || channel != null)) {
            return false;
        }
        return deliver(d, events);
    }

    /** Poll mode's delivery: all of {@code d}'s events at once, with Python's error handling. */
    private boolean deliver(Dispatcher d, int events) {
        delivered++;
        Delivery.readwrite(d, events);
        return true;
    }

    /**
     * A dispatcher taken out of this map without being closed ({@code delChannel()}, or a
     * whiteboard detach) keeps its channel open, and the backend would report it ready on
     * every pass, each returning at once: its registration here is cancelled. Should it
     * rejoin, the pass registers it afresh.
     */
    private void forgetIfLeft(Dispatcher d) {
        Registration r = d.registration;
        if (d.owner != map && r != null && (d.passStamp & ~OWN_BITS) == epoch) {
            r.cancel();
            d.registration = null;
            d.registeredFor = null;
            d.passStamp = 0;
        }
    }

    @Override
    public boolean serves(Dispatcher d) {
        if (d.owner != map || d.standingAside) {
            return false; // closed or removed earlier in this pass
        }
        SelectableChannel channel = d.channel();
        Object target = channel != null ? channel : d.readinessSource();
        return target != null && d.registeredFor == target; // else it got a new channel
    }

    @Override
    public void failed(Dispatcher d, Throwable error) {
        Delivery.fail(d, error);
    }

    /** Makes a pass that waits, or the next one, return at once. Any thread. */
    void wakeup() {
        if (running != Thread.currentThread()) {
            backend.wakeup();
        }
    }

    /**
     * Closes the backend. Called from a hook during this pass (a handler that calls
     * {@code Asyncore.closeAll}, say), it closes when the pass ends: the backend must not
     * be closed inside its own wait.
     */
    void close() {
        closed = true;
        if (running == Thread.currentThread()) {
            closeAfterPass = true;
            return;
        }
        backend.close();
    }

    /**
     * A dispatcher ready in an extra round: asked again first, its interest updated if the
     * answers changed, and given only the events they still ask for.
     */
    private final class ExtraRound implements ReadySink {

        @Override
        public boolean ready(Dispatcher d, int events) {
            if (!serves(d)) {
                forgetIfLeft(d);
                return false;
            }
            int answers;
            try {
                answers = answers(d);
                if (d.registeredFor != d.channel()) {
                    return false; // a hook gave it a new socket: that one joins at the next pass
                }
                if (d.passStamp != (epoch | SETTLED | answers)) {
                    refresh(d, answers);
                }
            } catch (Throwable e) {
                Delivery.fail(d, e);
                return false;
            }
            int wanted = answers | Asyncore.POLLPRI | CLOSING;
            if (d.isAcceptPaused()) {
                wanted &= ~Asyncore.POLLIN; // no accepts while paused, whatever readable() says
            }
            events &= wanted;
            return events != 0 && deliver(d, events);
        }

        @Override
        public boolean serves(Dispatcher d) {
            return Pass.this.serves(d);
        }

        @Override
        public void failed(Dispatcher d, Throwable error) {
            Delivery.fail(d, error);
        }
    }
}
