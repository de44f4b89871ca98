package io.asyncore.impl;

import io.asyncore.Asyncore;
import io.asyncore.Dispatcher;
import io.asyncore.spi.ReadySink;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.function.Consumer;

/**
 * Lets listeners accept while a long pass delivers other events. A busy loop reaches its
 * listeners once per pass; when a pass serves thousands of busy connections, a burst of
 * new ones overflows a small listen backlog in between and the kernel drops their SYNs
 * (clients retry after 1, 3, 7 s...). So the listening channels are also registered on
 * a second, small selector, and every {@value #EVERY} events of a pass this one is asked
 * with {@code selectNow} (a system call on a handful of channels): a listener found
 * ready gets its read event there and then, a real readiness event like any other, with
 * the same interest (no accepts while it is paused or not {@code readable()}).
 *
 * <p>Opened with the first listener; a map without listeners never pays for it.
 * Loop thread only, but {@link #close()}, which may come from another thread during a
 * pass: then every later call finds the selector closed and does nothing.
 */
final class AcceptWatch {

    /** Every this many events delivered in a pass, ready listeners are served. */
    static final int EVERY = 32;

    private static final Consumer<SelectionKey> IGNORE = key -> { };

    private final Consumer<SelectionKey> onReady = this::onReady;
    private Selector selector;
    private boolean failed;
    private int listeners;
    private int tracked;
    private int since;
    private boolean extraRound;
    private ReadySink current;

    /**
     * Mirrors a listener's interest, as the pass just set it on the main selector.
     *
     * @param d the listener
     * @param channel its channel
     * @param ops {@link SelectionKey#OP_ACCEPT} or 0
     */
    void track(Dispatcher d, ServerSocketChannel channel, int ops) {
        Selector s = selector();
        if (s == null) {
            return;
        }
        SelectionKey key = channel.keyFor(s);
        try {
            if (key == null) {
                if (ops != 0) {
                    channel.register(s, ops, d);
                    listeners++;
                    tracked++;
                }
            } else if (key.isValid()) {
                if (!extraRound) {
                    tracked++; // a live listener this selector holds, counted once per pass
                }
                key.attach(d);
                if (key.interestOps() != ops) {
                    key.interestOps(ops);
                }
            }
        } catch (ClosedChannelException | RuntimeException e) {
            // closed meanwhile: the main selector's pass deals with it
        }
    }

    /** One event was delivered through {@code sink}: serve ready listeners now and then. */
    void delivered(ReadySink sink) {
        if (listeners == 0 || ++since < EVERY) {
            return;
        }
        since = 0;
        current = sink;
        try {
            selector.selectNow(onReady);
        } catch (IOException | RuntimeException e) {
            // the main selector still serves every listener once per pass
        } finally {
            current = null;
        }
    }

    /** The pass's wait ended: the next one counts its events and listeners afresh. */
    void passStarts() {
        since = 0;
        tracked = 0;
    }

    /**
     * The pass has asked every member; let go of listeners that are gone. A closed channel
     * keeps its descriptor (and a listener its port) until every selector it was
     * registered with has selected once since. This pass tracked fewer listeners than this
     * selector holds, so one was closed (or left the map): a {@code selectNow} now releases
     * it, before the pass waits, even on a loop too idle to reach {@link #delivered} (ready
     * events are dropped here; the main selector reports them again, being level-triggered).
     */
    void interestUpdated() {
        if (selector == null) {
            return;
        }
        try {
            if (selector.keys().size() > tracked) {
                selector.selectNow(IGNORE);
            }
            listeners = selector.keys().size();
        } catch (ClosedSelectorException e) {
            // the backend was closed from another thread during this pass: nothing left to serve
            listeners = 0;
        } catch (IOException | RuntimeException e) {
            // the main selector still serves every listener once per pass
        }
    }

    /**
     * Drops {@code listener} (or, given null, every listener whose channel closed) from
     * this selector now, so that closing it frees its port (see
     * {@link SelectorBackend#release}). Not while this selector selects.
     */
    void release(ServerSocketChannel listener) {
        if (selector == null) {
            return;
        }
        try {
            SelectionKey key = listener == null ? null : listener.keyFor(selector);
            if (key != null) {
                key.cancel();
            }
            selector.selectNow(IGNORE);
            listeners = selector.keys().size();
        } catch (IOException | RuntimeException e) {
            // closed from another thread, say: interestUpdated lets go of it next pass
        }
    }

    /** Extra rounds of a pass ask listeners again; they are counted in the pass already. */
    void extraRound(boolean on) {
        extraRound = on;
    }

    private void onReady(SelectionKey key) {
        Dispatcher d = (Dispatcher) key.attachment();
        if (key.channel() != d.channel() || d.isAcceptPaused()) {
            return;
        }
        current.ready(d, Asyncore.POLLIN); // the pass checks it is still a member
    }

    private Selector selector() {
        if (selector == null && !failed) {
            try {
                selector = Selector.open();
            } catch (IOException e) {
                failed = true; // out of descriptors, say: listeners are served once per pass
            }
        }
        return selector;
    }

    void close() {
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
