package io.asyncore.impl;

import io.asyncore.Asyncore;
import io.asyncore.Dispatcher;
import io.asyncore.spi.Registration;
import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * One channel in a {@link SelectorBackend}: its {@link SelectionKey}, made when the
 * dispatcher first wants something, and the mapping between Python's events and NIO's
 * operations (a connect in progress waits for {@code OP_CONNECT}, a listener for
 * {@code OP_ACCEPT} unless paused, a socket neither connected nor connecting for nothing).
 *
 * <p>Threading: {@link #interest} on the loop thread; {@link #cancel()} and
 * {@link #isValid()} from any thread.
 */
final class ChannelRegistration implements Registration {

    final Dispatcher dispatcher;
    private final SelectableChannel channel;
    private final SelectorBackend backend;
    private volatile SelectionKey key;
    private volatile boolean cancelled;

    ChannelRegistration(SelectorBackend backend, SelectableChannel channel, Dispatcher dispatcher) {
        this.backend = backend;
        this.channel = channel;
        this.dispatcher = dispatcher;
    }

    @Override
    public boolean interest(int events) throws IOException {
        if (cancelled) {
            return false;
        }
        boolean read = (events & Asyncore.POLLIN) != 0;
        boolean write = (events & Asyncore.POLLOUT) != 0;
        int ops = interestOps(read, write);
        try {
            SelectionKey k = key;
            if (k == null) {
                k = channel.keyFor(backend.selector);
                if (k == null) {
                    if (ops == 0) {
                        return settled(ops, read, write); // nothing to wait for: no system call
                    }
                    key = channel.register(backend.selector, ops, this);
                    if (channel instanceof ServerSocketChannel listener) {
                        // Now, not a pass later: what serving needs is open from the pass that
                        // first registers a listener, while descriptors are plentiful, so a
                        // server's descriptor count does not grow at its first connection.
                        backend.acceptWatch.track(dispatcher, listener, ops);
                    }
                    return settled(ops, read, write);
                }
                key = k;
            }
            if (!k.isValid()) {
                // cancelled behind the dispatcher's back (its raw channel closed): register
                // afresh once the selector has dropped the key
                key = null;
                backend.flushCancelled = true;
                return false;
            }
            if (k.attachment() != this) {
                k.attach(this); // the same channel, taken over by another dispatcher
            }
            if (k.interestOps() != ops) {
                k.interestOps(ops);
            }
        } catch (CancelledKeyException e) {
            key = null;
            backend.flushCancelled = true;
            return false;
        } catch (ClosedSelectorException e) {
            return false; // the backend was closed from another thread during this pass
        }
        if (channel instanceof ServerSocketChannel listener) {
            backend.acceptWatch.track(dispatcher, listener, ops);
        }
        return settled(ops, read, write);
    }

    /** Whether {@code ops} is plain read/write interest that only new answers change. */
    private boolean settled(int ops, boolean read, boolean write) {
        return !(channel instanceof ServerSocketChannel)
                && ops == ((read ? SelectionKey.OP_READ : 0) | (write ? SelectionKey.OP_WRITE : 0));
    }

    private int interestOps(boolean read, boolean write) {
        if (channel instanceof ServerSocketChannel) {
            // Listening sockets are never polled for write; nor for accepts while paused
            // after EMFILE (Dispatcher#isAcceptPaused), whatever readable() says.
            return read && !dispatcher.isAcceptPaused() ? SelectionKey.OP_ACCEPT : 0;
        }
        if (channel instanceof SocketChannel stream) {
            if (stream.isConnectionPending()) {
                // Python selects a connecting socket for read if readable() and for write if
                // writable(), and the completed connect surfaces through whichever fires.
                // NIO reports it only as OP_CONNECT; OP_READ and OP_WRITE (which cannot fire
                // before the connect completes, except on error) record which of the two
                // was asked, for events().
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

    /** The Asyncore.POLL* events of a key's ready ops, given its interest ops. */
    static int events(int ready, int interest) {
        int events = 0;
        if ((ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            events |= Asyncore.POLLIN;
        }
        if ((ready & SelectionKey.OP_WRITE) != 0) {
            events |= Asyncore.POLLOUT;
        }
        if ((ready & SelectionKey.OP_CONNECT) != 0) {
            // a completed connect is a write event if writable() asked, else a read event
            events |= (interest & SelectionKey.OP_WRITE) != 0 ? Asyncore.POLLOUT : Asyncore.POLLIN;
        }
        return events;
    }

    @Override
    public void cancel() {
        cancelKey();
    }

    @Override
    public void cancelBeforeClose() {
        if (cancelKey() && channel instanceof ServerSocketChannel listener) {
            backend.release(listener);
        }
    }

    /** Cancels; whether this registration's key was cancelled here. */
    private boolean cancelKey() {
        cancelled = true;
        SelectionKey k = key;
        key = null;
        if (k != null && k.attachment() == this) {
            k.cancel();
            return true;
        }
        return false;
    }

    @Override
    public boolean isValid() {
        SelectionKey k = key;
        return !cancelled && backend.selector.isOpen() && (k == null ? channel.isOpen() : k.isValid());
    }
}
