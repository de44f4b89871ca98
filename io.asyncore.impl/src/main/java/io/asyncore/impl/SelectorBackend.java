package io.asyncore.impl;

import io.asyncore.Dispatcher;
import io.asyncore.spi.ReadinessBackend;
import io.asyncore.spi.ReadinessSource;
import io.asyncore.spi.ReadySink;
import io.asyncore.spi.Registration;
import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.function.Consumer;

/**
 * The {@link ReadinessBackend} over a {@link Selector}: epoll on Linux, kqueue on macOS.
 *
 * <p>Waits with {@link Selector#select(Consumer, long)}, which keeps no selected-key set
 * and allocates nothing, and reports each ready key's dispatcher in
 * {@link io.asyncore.Asyncore#POLLIN} terms (see {@link ChannelRegistration}). Readiness
 * sources report through {@link ReadySources}, which wakes the selector. Listeners are
 * also served between the events of a long pass: see {@link AcceptWatch}.
 *
 * <p>Threading: {@link #wakeup()} and {@link #close()} from any thread; the rest on the
 * loop thread. Closed from another thread during a pass (a map's backend released while
 * its loop runs), the rest of that pass finds the selectors closed: it registers nothing,
 * waits for nothing and reports no events, and no exception leaves the backend.
 */
final class SelectorBackend implements ReadinessBackend {

    private static final Consumer<SelectionKey> IGNORE = key -> { };

    final Selector selector;
    final AcceptWatch acceptWatch = new AcceptWatch();
    private final ReadySources sources = new ReadySources(this::wakeup);
    private final Consumer<SelectionKey> onReady = this::onReady;
    private ReadySink sink;
    /**
     * A key cancelled earlier still blocks a registration: the selector drops it on its
     * next select, so that select must not wait. Loop thread.
     */
    boolean flushCancelled;
    /** The thread that registers and waits: the loop thread. */
    private Thread loopThread;
    /** Inside a select: poll mode delivers events there, where the selector cannot select. */
    private boolean selecting;
    /** A listener was released inside a select: its key goes right after. */
    private boolean releaseAfterSelect;

    SelectorBackend() throws IOException {
        this.selector = Selector.open();
    }

    @Override
    public Registration register(SelectableChannel channel, Dispatcher dispatcher) {
        loopThread = Thread.currentThread();
        return new ChannelRegistration(this, channel, dispatcher);
    }

    @Override
    public Registration register(ReadinessSource source, Dispatcher dispatcher) {
        return sources.register(source);
    }

    @Override
    public void waitReady(long timeoutMillis, ReadySink sink) throws IOException {
        loopThread = Thread.currentThread();
        acceptWatch.interestUpdated();
        this.sink = sink;
        selecting = true;
        try {
            try {
                if (timeoutMillis == 0 || flushCancelled || !sources.isEmpty()) {
                    flushCancelled = false;
                    selector.selectNow(onReady);
                } else {
                    selector.select(onReady, timeoutMillis);
                }
            } catch (ClosedSelectorException e) {
                // closed from another thread during this pass: it ends with what the sources
                // reported, and the map's next pass opens a new backend
            }
            selectEnded();
            sources.drain(sink);
        } finally {
            selecting = false;
            this.sink = null;
            acceptWatch.passStarts();
        }
    }

    @Override
    public void pollReady(ReadySink sink) throws IOException {
        this.sink = sink;
        acceptWatch.extraRound(true);
        selecting = true;
        try {
            selector.selectNow(onReady);
        } catch (ClosedSelectorException e) {
            // closed from another thread during this pass: no further rounds find anything
        } finally {
            selectEnded();
            this.sink = null;
            acceptWatch.extraRound(false);
        }
    }

    /**
     * Lets go of a listener whose key was just cancelled, in both selectors, so that
     * closing its channel frees the port at once, as Python's {@code close()} does: the JDK
     * keeps a registered channel's descriptor open until every selector it was registered
     * with has selected again. Inside a select (poll mode delivers there) that waits until
     * the select returns; off the loop thread, until the next pass.
     */
    void release(ServerSocketChannel listener) {
        if (Thread.currentThread() != loopThread) {
            return;
        }
        if (selecting) {
            releaseAfterSelect = true;
            return;
        }
        acceptWatch.release(listener);
        dropCancelledKeys();
    }

    private void selectEnded() {
        selecting = false;
        if (releaseAfterSelect) {
            releaseAfterSelect = false;
            acceptWatch.release(null);
            dropCancelledKeys();
        }
    }

    private void dropCancelledKeys() {
        try {
            selector.selectNow(IGNORE); // ready keys drop out too; level-triggered, they come back
        } catch (IOException | ClosedSelectorException e) {
            return; // closed from another thread: nothing is watched any more
        }
        selector.wakeup(); // that selectNow cleared a wakeup another thread may have asked for
    }

    private void onReady(SelectionKey key) {
        ChannelRegistration r = (ChannelRegistration) key.attachment();
        int events;
        try {
            events = ChannelRegistration.events(key.readyOps(), key.interestOps());
        } catch (CancelledKeyException e) {
            return; // closed while the select returned: nothing for it
        }
        if (sink.ready(r.dispatcher, events)) {
            acceptWatch.delivered(sink);
        }
    }

    @Override
    public void wakeup() {
        selector.wakeup();
    }

    @Override
    public void close() {
        acceptWatch.close();
        try {
            selector.close();
        } catch (IOException e) {
            io.asyncore.spi.Logging.logger(SelectorBackend.class.getName()).log(System.Logger.Level.WARNING,
                    "closing selector failed", e);
        }
    }
}
