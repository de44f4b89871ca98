package io.asyncore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;

/**
 * A dispatcher's socket life before and around its traffic: Python's
 * {@code create_socket}, {@code set_socket}, {@code set_reuse_addr}, {@code bind},
 * {@code listen}, {@code connect}, {@code accept} and {@code close}, on NIO channels, and
 * the join of a map. {@link Dispatcher} keeps the public methods and their contracts; the
 * behaviour is here.
 */
final class SocketSetup {

    private SocketSetup() {}

    static void createSocket(Dispatcher d, AddressFamily family, SocketType type) throws IOException {
        if (family == null || type == null) {
            throw new NullPointerException("createSocket: family and type are required");
        }
        if (d.socket != null && d.socket.isOpen()) {
            throw new IllegalStateException("createSocket: " + d + " already has a socket");
        }
        if (family == AddressFamily.UNIX && type == SocketType.DGRAM) {
            throw new UnsupportedOperationException("the JDK has no Unix-domain datagram sockets");
        }
        SelectableChannel channel = type == SocketType.STREAM
                ? SocketChannel.open(family.protocolFamily())
                : DatagramChannel.open(family.protocolFamily());
        channel.configureBlocking(false);
        d.family = family;
        d.type = type;
        d.reuseAddr = false;
        d.closed = false;
        d.setSocket(channel, d.map());
    }

    static void setSocket(Dispatcher d, SelectableChannel channel, ChannelMap map) {
        if (channel == null) {
            throw new NullPointerException("setSocket: channel is null");
        }
        if (!(channel instanceof NetworkChannel)) {
            throw new IllegalArgumentException("setSocket: not a socket channel: " + channel);
        }
        try {
            channel.configureBlocking(false);
        } catch (IOException e) {
            throw new UncheckedIOException("setSocket: cannot make " + channel + " non-blocking", e);
        }
        d.socket = channel;
        d.listenOptions = null; // options carried by an earlier listen belong to that socket
        d.layer = null; // a layer belongs to the connection it was made for
        d.closed = false; // a closed dispatcher given a new socket is open again, as in Python
        AddressFamily known = familyOf(channel);
        if (known != null) {
            d.family = known;
        } else if (d.family == null) {
            d.family = AddressFamily.INET;
        }
        d.type = channel instanceof DatagramChannel ? SocketType.DGRAM : SocketType.STREAM;
        join(d, map == null ? d.map() : map);
    }

    /**
     * Joins {@code target} now when this thread may serve it; else leaves the join to an
     * explicit {@link Dispatcher#addChannel()}, which promises the dispatcher is fully
     * constructed.
     */
    static void join(Dispatcher d, ChannelMap target) {
        if (target.isLoopThread()) {
            d.joinLater = null;
            target.add(d);
        } else {
            d.joinLater = target;
        }
    }

    static void setReuseAddr(Dispatcher d) throws IOException {
        NetworkChannel channel = open(d, "setReuseAddr");
        d.reuseAddr = true;
        if (d.family != AddressFamily.UNIX) {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        }
    }

    static void bind(Dispatcher d, SocketAddress address) throws IOException {
        NetworkChannel channel = open(d, "bind");
        d.family.check(address, "bind");
        SocketAddress bound = channel.getLocalAddress();
        if (bound != null) {
            // Python: EINVAL; the JDK's AlreadyBoundException says nothing
            throw new IllegalStateException("bind: " + d + " is already bound to " + bound);
        }
        channel.bind(address);
        d.addr = address;
    }

    static void listen(Dispatcher d, int backlog) throws IOException {
        NetworkChannel channel = open(d, "listen");
        AcceptPause.prepare(); // now, while descriptors are plentiful; see AcceptPause
        if (channel instanceof ServerSocketChannel) {
            d.accepting = true;
            return;
        }
        if (d.type != SocketType.STREAM) {
            throw new IllegalStateException("listen: " + d + " is a datagram socket; only stream sockets listen");
        }
        if (d.connected || d.connecting) {
            throw new IllegalStateException("listen: " + d + " is connected or connecting");
        }
        SocketAddress local = channel.getLocalAddress();
        if (local == null) {
            throw new IllegalStateException("listen before bind: bind " + d + " to an address first");
        }
        ServerSocketChannel server = ServerSocketChannel.open(d.family.protocolFamily());
        ChannelMap joined = d.owner; // listen where the dispatcher is now (EventLoop.register may have moved it)
        try {
            d.listenOptions = ListenOptions.carry(channel, server, d.family);
            if (d.family != AddressFamily.UNIX) {
                server.setOption(StandardSocketOptions.SO_REUSEADDR,
                        d.reuseAddr || server.getOption(StandardSocketOptions.SO_REUSEADDR));
            }
            // The placeholder stream socket holds the address; give it to the listener.
            d.delChannel();
            ((SelectableChannel) channel).close();
            if (local instanceof UnixDomainSocketAddress unix) {
                Files.deleteIfExists(unix.getPath());
            }
            server.bind(local, backlog);
            server.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            server.close();
            d.socket = null;
            throw e;
        }
        d.socket = server;
        d.accepting = true; // before joining: a loop on another thread may accept at once
        if (joined != null) {
            joined.add(d); // it was a member: it stays one, with its listening socket
        } else {
            d.joinMap();
        }
    }

    static void connect(Dispatcher d, SocketAddress address) throws IOException {
        NetworkChannel channel = open(d, "connect");
        d.family.check(address, "connect");
        if (d.accepting) {
            throw new IllegalStateException("connect: " + d + " is listening");
        }
        if (channel instanceof SocketChannel stream) {
            if (stream.isConnected()) {
                // Python answers EISCONN by calling handle_connect again; say what happened
                throw new IllegalStateException("connect: " + d + " is already connected");
            }
            if (stream.isConnectionPending()) {
                d.addr = address; // Python: EALREADY, the connect in progress goes on
                return;
            }
        }
        boolean outer = !d.standingAside;
        d.standingAside = true;
        try {
            d.connected = false;
            d.connecting = true;
            boolean done;
            if (channel instanceof SocketChannel stream) {
                done = stream.connect(address);
            } else {
                DatagramChannel datagram = (DatagramChannel) channel;
                if (datagram.isConnected()) {
                    datagram.disconnect(); // Python re-targets a connected UDP socket
                }
                datagram.connect(address);
                done = true;
            }
            d.addr = address;
            if (done) {
                d.handleConnectEvent();
            } else if (d.timeouts != null) {
                d.timeouts.connectStarted();
            }
        } finally {
            if (outer) {
                d.standingAside = false;
                // The engine waits on a socket only once it connects (or listens): wake a
                // pass already waiting on another thread, so it sees this socket now.
                ChannelMap current = d.owner;
                if (current != null) {
                    current.wakePoller();
                }
            }
        }
    }

    static SocketChannel accept(Dispatcher d) throws IOException {
        NetworkChannel channel = open(d, "accept");
        if (!(channel instanceof ServerSocketChannel server)) {
            throw new IllegalStateException("accept: " + d + " is not listening; call listen first");
        }
        try {
            SocketChannel accepted = server.accept();
            if (accepted != null) {
                Counting.accepted(d);
                if (d.acceptPause != null) {
                    d.acceptPause.accepted();
                }
            }
            if (accepted != null && d.listenOptions != null) {
                d.listenOptions.applyTo(accepted);
            }
            return accepted;
        } catch (IOException e) {
            if (Disconnects.isDisconnect(e) && !(e instanceof ClosedChannelException)) {
                return null; // ECONNABORTED: the peer gave up before we accepted
            }
            if (AcceptPause.isDescriptorExhaustion(e)) {
                // EMFILE/ENFILE: neither spin nor close the listener; see AcceptPause.
                if (d.acceptPause == null) {
                    d.acceptPause = new AcceptPause(d);
                }
                d.acceptPause.pause(e);
                return null;
            }
            throw e;
        }
    }

    static void close(Dispatcher d) {
        if (!d.closed && d.socket != null && !(d.socket instanceof ServerSocketChannel)) {
            Counting.closed(d);
        }
        d.connected = false;
        d.accepting = false;
        d.connecting = false;
        d.closed = true;
        ChannelMap was = d.owner;
        d.delChannel();
        if (d.timeouts != null) {
            d.timeouts.closed();
        }
        if (d.acceptPause != null) {
            d.acceptPause.closed();
        }
        SelectableChannel channel = d.socket;
        if (channel instanceof ServerSocketChannel && d.registration != null) {
            // the backend lets go of the listener first, so closing it frees the port now
            d.registration.cancelBeforeClose();
            d.registration = null;
            d.registeredFor = null;
        }
        // A layer (TLS) may keep the channel open a little for its closing exchange.
        if (channel != null && (d.layer == null || !channel.isOpen() || !d.layer.closeLater(channel, was))) {
            try {
                channel.close();
            } catch (IOException e) {
                if (!Disconnects.isDisconnect(e)) {
                    throw new UncheckedIOException("close " + d, e);
                }
            }
        }
    }

    /** The open socket, for {@code operation}; else an error saying what to do. */
    static NetworkChannel open(Dispatcher d, String operation) {
        SelectableChannel channel = d.socket;
        if (channel == null) {
            throw new IllegalStateException(operation + ": " + d + " has no socket; call createSocket first");
        }
        if (d.closed || !channel.isOpen()) {
            throw new IllegalStateException(operation + ": " + d + " is closed");
        }
        return (NetworkChannel) channel;
    }

    /** The open datagram socket, for {@code operation}. */
    static DatagramChannel datagram(Dispatcher d, String operation) {
        NetworkChannel channel = open(d, operation);
        if (!(channel instanceof DatagramChannel datagram)) {
            throw new IllegalStateException(operation + ": " + d + " is not a datagram socket");
        }
        return datagram;
    }

    /** The peer of a connected channel, or null. */
    static SocketAddress peerAddress(SelectableChannel channel) {
        try {
            if (channel instanceof SocketChannel stream) {
                return stream.getRemoteAddress();
            }
            if (channel instanceof DatagramChannel datagram) {
                return datagram.getRemoteAddress();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static AddressFamily familyOf(SelectableChannel channel) {
        try {
            SocketAddress local = ((NetworkChannel) channel).getLocalAddress();
            if (local == null && channel instanceof SocketChannel stream) {
                local = stream.getRemoteAddress();
            }
            return local == null ? null : AddressFamily.of(local);
        } catch (IOException | IllegalArgumentException e) {
            return null; // closed, or an address type asyncore does not know: cannot tell
        }
    }
}
