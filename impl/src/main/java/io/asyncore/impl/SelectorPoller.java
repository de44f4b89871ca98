package io.asyncore.impl;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.TimerQueue;
import io.asyncore.spi.Poller;
import io.asyncore.spi.ReadinessSource;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One pass of Python's {@code poll()} or {@code poll2()} over a {@link Selector}.
 *
 * <p>Each pass asks every dispatcher {@code readable()} and {@code writable()} and
 * touches {@link SelectionKey#interestOps} only where the answer changed, waits with
 * {@link Selector#select(Consumer, long)} (no selected-key set, no allocation), and
 * delivers events: in poll mode through {@link Asyncore#readwrite} as the selector
 * reports them, in select mode through {@link SelectModeDelivery}'s read, write and
 * exception phases in map order. A dispatcher that left the map earlier in the pass
 * (closed by another, say) gets nothing.
 *
 * <p>Extra rounds (poll mode only; select mode keeps Python's one select per pass): in a map of at least {@value #AMORTISE_FROM} dispatchers, asking every
 * one costs far more than a {@code selectNow}, and a pass that served only the few
 * events of its one select would spend most of its time asking. So while a round
 * delivered events, the pass makes up to {@value #EXTRA_ROUNDS} more
 * {@link Selector#selectNow(Consumer)} rounds with the interest set at its start. One
 * pass may therefore deliver a dispatcher more than one event round, but every delivery
 * is preceded by fresh answers: in an extra round a ready dispatcher is asked
 * {@code readable()} and {@code writable()} again right before delivery, its interest is
 * updated if they changed (so an unwanted event does not keep firing), and it receives
 * only the events its current answers ask for. Every dispatcher is still asked once per
 * pass before the first select. The bound keeps timers (run at the end of each pass) and
 * the event loop's tasks (run between passes) from waiting long. Smaller maps keep
 * Python's one select per pass.
 *
 * <p>Listeners are also asked between the events of a long pass: see {@link AcceptWatch}.
 *
 * <p>Threading: {@link #poll} on the loop thread only; {@link #wakeup()} and
 * {@link #close()} from any thread.
 */
final class SelectorPoller implements Poller {

    // Dispatcher.engineStamp and engineChannel: what this poller last set up for a
    // dispatcher, so that a pass skips the dispatchers whose answers did not change.
    private static final VarHandle STAMP;
    private static final VarHandle CHANNEL;

    static {
        VarHandle stamp = engineField("engineStamp", int.class);
        VarHandle channel = engineField("engineChannel", Object.class);
        STAMP = stamp != null && channel != null ? stamp : null;
        CHANNEL = STAMP != null ? channel : null;
    }

    /** From this many members on, a pass that delivered events makes extra rounds. */
    static final int AMORTISE_FROM = 512;
    /** At most this many extra {@code selectNow} rounds per pass. */
    static final int EXTRA_ROUNDS = 8;

    /** Every this many passes, every dispatcher takes the full path (see #remember). */
    private static final int VALIDATE_EVERY = 256;
    private static final AtomicInteger EPOCHS = new AtomicInteger();

    /** This poller's mark in a stamp (bits 2 and up, never 0): stamps of others never match. */
    private final int epoch = Math.max(1, EPOCHS.incrementAndGet() & 0x1FFFFFFF) << 2;
    private int passes;
    private boolean validating;

    private final Selector selector;
    private final AcceptWatch acceptWatch = new AcceptWatch();
    private final Consumer<SelectionKey> onReady = this::onReady;
    private final Consumer<SelectionKey> onReadyAgain = this::onReadyAgain;
    private final Consumer<SelectionKey> onReadySelect = this::onReadySelect;
    private final SelectModeDelivery selectMode = new SelectModeDelivery();
    /** Events delivered in the current round, to tell whether another round may pay. */
    private int delivered;
    private int members;
    private final ReadySources readySources = new ReadySources(this::wakeup);
    private Dispatcher[] scratch;
    private ChannelMap current;
    private boolean waiting;
    private boolean closeAfterPass;
    private volatile Thread pollingThread;

    SelectorPoller() throws IOException {
        this.selector = Selector.open();
    }

    @Override
    public void poll(ChannelMap map, long timeoutMillis, boolean usePoll) throws IOException {
        if (!selector.isOpen()) {
            throw new ClosedChannelException();
        }
        pollingThread = Thread.currentThread();
        current = map;
        try {
            acceptWatch.passStarts();
            boolean mustNotWait = updateInterest(map, !usePoll);
            acceptWatch.interestUpdated();
            TimerQueue timers = map.timers();
            long wait = timers.waitMillis(timeoutMillis); // the next timer shortens the wait
            waiting = true;
            delivered = 0;
            Consumer<SelectionKey> ready = usePoll ? onReady : onReadySelect;
            if (!usePoll) {
                selectMode.begin(scratch, members);
            }
            if (wait == 0 || mustNotWait || !readySources.isEmpty()) {
                selector.selectNow(ready);
            } else {
                selector.select(ready, wait);
            }
            if (waiting) {
                endWait();
            }
            if (usePoll) {
                if (members >= AMORTISE_FROM && !mustNotWait) {
                    extraRounds();
                }
                readySources.drain(map, null);
            } else {
                readySources.drain(map, selectMode);
                selectMode.deliver(map);
                Arrays.fill(scratch, 0, members, null); // do not keep closed dispatchers reachable
            }
            timers.runDue();
            map.counters().countPass(System.nanoTime() - timers.busySinceNanos());
        } finally {
            current = null;
            pollingThread = null;
            if (closeAfterPass) {
                closeAfterPass = false;
                closeSelector();
            }
        }
    }

    /**
     * More {@code selectNow} rounds while the last one delivered something, at most
     * {@link #EXTRA_ROUNDS}; none once a hook asked to close this poller.
     */
    private void extraRounds() throws IOException {
        for (int round = 0; round < EXTRA_ROUNDS && delivered > 0 && !closeAfterPass; round++) {
            delivered = 0;
            selector.selectNow(onReadyAgain);
        }
    }

    /**
     * Asks every member what it wants. Returns true when a key cancelled earlier still
     * blocks a registration: the selector drops it on its next select, so that select
     * must not wait.
     */
    private boolean updateInterest(ChannelMap map, boolean keepSnapshot) {
        Dispatcher[] all = scratch = map.snapshot(scratch);
        validating = ++passes % VALIDATE_EVERY == 0;
        boolean pendingCancel = false;
        int i = 0;
        for (; i < all.length; i++) {
            Dispatcher d = all[i];
            if (d == null) {
                break;
            }
            if (!keepSnapshot) {
                all[i] = null; // do not keep closed dispatchers reachable
            }
            if (!map.contains(d)) {
                continue;
            }
            try {
                boolean read = d.pollReadable();
                boolean write = d.pollWritable();
                SelectableChannel channel = d.channel();
                // The unchanged case is kept small so that it compiles into this loop.
                if (channel != null && unchanged(d, channel, stamp(read, write))) {
                    continue;
                }
                pendingCancel |= update(d, read, write, channel);
            } catch (CancelledKeyException e) {
                pendingCancel = true;
            } catch (Throwable e) {
                Asyncore.fail(d, e);
            }
        }
        this.members = i;
        return pendingCancel;
    }

    /**
     * Whether {@code d} is a connected stream, neither listening nor connecting, whose
     * answers and channel are those this poller last set up (see {@link #remember}).
     * Nothing but the dispatcher is touched: at 10,000 channels a pass is bound by memory.
     */
    private boolean unchanged(Dispatcher d, SelectableChannel channel, int stamp) {
        return STAMP != null && !validating && (int) STAMP.get(d) == stamp && CHANNEL.get(d) == channel
                && d.isConnected() && !d.isAccepting() && !d.isConnecting();
    }

    /** This poller's stamp for a dispatcher that answered {@code read} and {@code write}. */
    private int stamp(boolean read, boolean write) {
        return epoch | (read ? 1 : 0) | (write ? 2 : 0);
    }

    private boolean update(Dispatcher d, boolean read, boolean write, SelectableChannel channel)
            throws ClosedChannelException {
        if (channel == null) {
            ReadinessSource source = d.readinessSource();
            if (source != null) {
                source.interest(read, write, readySources.waker());
            }
            return false;
        }
        int stamp = stamp(read, write);
        int ops = interestOps(d, channel, read, write);
        SelectionKey key = channel.keyFor(selector);
        if (key == null) {
            if (ops != 0) {
                channel.register(selector, ops, d);
                if (channel instanceof ServerSocketChannel listener) {
                    // Now, not a pass later: what serving needs is open from the pass that
                    // first registers a listener, so its descriptor count does not grow later.
                    acceptWatch.track(d, listener, ops);
                }
            }
            remember(d, channel, ops, read, write, stamp);
            return false;
        }
        if (!key.isValid()) {
            forget(d);
            return true;
        }
        if (key.attachment() != d) {
            key.attach(d);
        }
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
        if (channel instanceof ServerSocketChannel listener) {
            acceptWatch.track(d, listener, ops);
        }
        remember(d, channel, ops, read, write, stamp);
        return false;
    }

    /**
     * Lets the next passes skip {@code d} while its answers stay the same, if its interest
     * is plain read/write: a connected stream, neither listening nor connecting. Only
     * {@link Dispatcher#connect}, {@link Dispatcher#listen}, {@link Dispatcher#close} and a
     * new socket leave that state, and each changes what the fast path checks; a key
     * cancelled behind the dispatcher's back (its raw channel closed) is caught by the
     * full pass made every {@link #VALIDATE_EVERY} passes.
     */
    private void remember(Dispatcher d, SelectableChannel channel, int ops, boolean read, boolean write, int stamp) {
        if (STAMP == null) {
            return;
        }
        boolean plain = ops == ((read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0))
                && !(channel instanceof ServerSocketChannel)
                && d.isConnected() && !d.isAccepting() && !d.isConnecting();
        STAMP.set(d, plain ? stamp : 0);
        CHANNEL.set(d, plain ? channel : null);
    }

    private static void forget(Dispatcher d) {
        if (STAMP != null) {
            STAMP.set(d, 0);
            CHANNEL.set(d, null);
        }
    }

    /**
     * A handle on one of {@code Dispatcher}'s engine fields, or null where the api package
     * is not open to this module (then every pass takes the full path).
     */
    private static VarHandle engineField(String name, Class<?> type) {
        try {
            return MethodHandles.privateLookupIn(Dispatcher.class, MethodHandles.lookup())
                    .findVarHandle(Dispatcher.class, name, type);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static int interestOps(Dispatcher d, SelectableChannel channel, boolean read, boolean write) {
        if (channel instanceof ServerSocketChannel) {
            // Listening sockets are never polled for write; nor for accepts while paused
            // after EMFILE (Dispatcher#isAcceptPaused), whatever readable() says.
            return read && !d.isAcceptPaused() ? SelectionKey.OP_ACCEPT : 0;
        }
        if (channel instanceof SocketChannel stream) {
            if (stream.isConnectionPending()) {
                // Python selects a connecting socket for read if readable() and for write if
                // writable(), and the completed connect surfaces through whichever fires.
                // NIO reports it only as OP_CONNECT; OP_READ and OP_WRITE (which cannot fire
                // before the connect completes, except on error) record which of the two
                // was asked, for onReady.
                return read || write
                        ? SelectionKey.OP_CONNECT | (read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0)
                        : 0;
            }
            if (!stream.isConnected()) {
                // Created, not yet connecting or listening: nothing can happen on it (epoll
                // would call it hung up at once), and listen() replaces it.
                return 0;
            }
        }
        return (read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0);
    }

    /** Tells the map's clock that handlers run again, for the blocked-loop watchdog. */
    private void endWait() {
        waiting = false;
        current.timers().endWait();
    }

    private void onReady(SelectionKey key) {
        if (waiting) {
            endWait();
        }
        Dispatcher d = (Dispatcher) key.attachment();
        // Closed earlier in this pass, or closed and given a new socket: nothing for it.
        if (!current.contains(d) || key.channel() != d.channel()) {
            return;
        }
        int ready;
        int interest;
        try {
            ready = key.readyOps();
            interest = key.interestOps();
        } catch (CancelledKeyException e) {
            return;
        }
        deliver(d, ready, interest);
    }

    /**
     * A key ready in an extra round: asks its dispatcher again, updates the key's interest
     * if the answers changed, and delivers only the ready events that interest still holds.
     */
    private void onReadyAgain(SelectionKey key) {
        Dispatcher d = (Dispatcher) key.attachment();
        if (!current.contains(d) || key.channel() != d.channel()) {
            return;
        }
        int ready;
        int interest;
        try {
            boolean read = d.pollReadable();
            boolean write = d.pollWritable();
            SelectableChannel channel = d.channel();
            if (channel != key.channel()) {
                return; // a hook gave it a new socket: that one joins at the next pass
            }
            if (!unchanged(d, channel, stamp(read, write))
                    && update(d, read, write, channel)) {
                return; // cancelled
            }
            ready = key.readyOps();
            interest = key.interestOps();
        } catch (CancelledKeyException e) {
            return;
        } catch (Throwable e) {
            Asyncore.fail(d, e);
            return;
        }
        ready &= interest;
        if (ready != 0) {
            deliver(d, ready, interest);
        }
    }

    /**
     * A key ready in a select-mode pass: recorded at its dispatcher's map position, for
     * {@link SelectModeDelivery} to deliver once the select returned.
     */
    private void onReadySelect(SelectionKey key) {
        if (waiting) {
            endWait();
        }
        Dispatcher d = (Dispatcher) key.attachment();
        if (!current.contains(d) || key.channel() != d.channel()) {
            return;
        }
        try {
            selectMode.record(current, d, key.channel(), flags(key.readyOps(), key.interestOps()));
        } catch (CancelledKeyException e) {
            // closed while the select returned: nothing for it
        }
    }

    private void deliver(Dispatcher d, int ready, int interest) {
        delivered++;
        Asyncore.readwrite(d, flags(ready, interest));
        acceptWatch.delivered(current);
    }

    /** The Asyncore.POLL* flags of a key's ready ops, given its interest ops. */
    private static int flags(int ready, int interest) {
        int flags = 0;
        if ((ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            flags |= Asyncore.POLLIN;
        }
        if ((ready & SelectionKey.OP_WRITE) != 0) {
            flags |= Asyncore.POLLOUT;
        }
        if ((ready & SelectionKey.OP_CONNECT) != 0) {
            // a completed connect is a write event if writable() asked, else a read event
            flags |= (interest & SelectionKey.OP_WRITE) != 0 ? Asyncore.POLLOUT : Asyncore.POLLIN;
        }
        return flags;
    }

    @Override
    public void wakeup() {
        if (pollingThread != Thread.currentThread()) {
            selector.wakeup();
        }
    }

    /**
     * Closes the selector. Called from a hook during this poller's own pass (a handler
     * that calls {@code Asyncore.closeAll}, say), it closes the selector when the pass
     * ends: closing it inside its own select would fail the rest of the pass.
     */
    @Override
    public void close() {
        if (pollingThread == Thread.currentThread()) {
            closeAfterPass = true;
            return;
        }
        closeSelector();
    }

    private void closeSelector() {
        acceptWatch.close();
        try {
            selector.close();
        } catch (IOException e) {
            io.asyncore.spi.Logging.logger(SelectorPoller.class.getName()).log(System.Logger.Level.WARNING,
                    "closing selector failed", e);
        }
    }
}
