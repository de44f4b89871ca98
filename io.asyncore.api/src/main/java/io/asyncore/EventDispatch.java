package io.asyncore;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * How readiness becomes hooks, as Python's {@code handle_read_event},
 * {@code handle_connect_event} and {@code handle_write_event}, and how the default
 * {@code handleAccept} takes pending connections. {@link Dispatcher} keeps the public
 * methods and their contracts; the behaviour is here.
 */
final class EventDispatch {

    private EventDispatch() {}

    static void readEvent(Dispatcher d) throws IOException {
        StreamLayer layer = d.layer;
        if (d.accepting) {
            d.handleAccept();
        } else if (!d.connected) {
            if (d.connecting) {
                d.handleConnectEvent();
            }
            if (layer == null || layer.readEvent()) {
                d.handleRead();
            }
        } else if (layer == null || layer.readEvent()) {
            d.handleRead();
        }
    }

    static void connectEvent(Dispatcher d) throws IOException {
        if (d.socket instanceof SocketChannel stream && stream.isConnectionPending()) {
            if (!stream.finishConnect()) {
                return;
            }
        }
        if (d.timeouts != null) {
            d.timeouts.connected();
        }
        d.handleConnect();
        d.connected = true;
        d.connecting = false;
    }

    static void writeEvent(Dispatcher d) throws IOException {
        if (d.accepting) {
            return; // accepting sockets are never writable
        }
        if (!d.connected && d.connecting) {
            d.handleConnectEvent();
            if (!d.connected) {
                return;
            }
        }
        StreamLayer layer = d.layer;
        if (layer == null || layer.writeEvent()) {
            d.handleWrite();
        }
    }

    static void acceptAll(Dispatcher d) throws IOException {
        for (int taken = 0; taken < Dispatcher.ACCEPTS_PER_EVENT; taken++) {
            if (taken > 0 && (!d.accepting || d.isClosed() || d.isAcceptPaused() || !d.readable())) {
                return;
            }
            SocketChannel channel = d.accept();
            if (channel == null) {
                return;
            }
            acceptOne(d, channel);
        }
    }

    private static void acceptOne(Dispatcher d, SocketChannel channel) throws IOException {
        try {
            d.handleAccepted(channel, SocketSetup.peerAddress(channel));
        } catch (RuntimeException | IOException | Error e) {
            // Nobody owns the connection now: close it rather than leak its descriptor.
            // (If a dispatcher already wrapped it, that dispatcher sees it closed.)
            if (!(e instanceof ExitNow)) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing a socket we just accepted; nothing more to do
                }
            }
            throw e;
        }
    }
}
