package io.asyncore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * The socket half of {@link Dispatcher}: Python's dispatcher attributes and the methods
 * that wrap its socket ({@code create_socket}, {@code bind}, {@code listen},
 * {@code connect}, {@code accept}, {@code send}, {@code recv}, {@code close}). The event
 * half, the hooks a subclass overrides, is {@link Dispatcher}, the only subclass; users
 * see these members as {@code Dispatcher}'s. The behaviour behind the methods lives in
 * {@link SocketSetup} and {@link StreamIo}.
 */
abstract class DispatcherSocket {

    /** Python's {@code dispatcher.connected}: the socket is connected to a peer. */
    protected boolean connected;
    /** Python's {@code dispatcher.accepting}: the socket listens for connections. */
    protected boolean accepting;
    /** Python's {@code dispatcher.connecting}: a connect is in progress. */
    protected boolean connecting;
    /** Python's {@code dispatcher.closing}: free for subclasses, as in Python. */
    protected boolean closing;
    /** Python's {@code dispatcher.addr}: the bound, connected or peer address. */
    protected SocketAddress addr;

    private final ChannelMap map;
    private final Dispatcher parent;
    SelectableChannel socket;
    AddressFamily family;
    SocketType type;
    boolean reuseAddr;
    volatile boolean closed;
    // The map a socket was set for while another thread served it: addChannel joins it.
    volatile ChannelMap joinLater;
    // Owned by ChannelMap, guarded by the map's lock.
    volatile ChannelMap owner;
    // Set while connect() runs: a connect that completes at once runs handleConnect on the
    // caller's thread, and the loop (maybe on another thread) must not serve the half-made
    // connection meanwhile; ChannelMap.contains answers false until connect() returns.
    volatile boolean standingAside;
    // Options set before listen(), for the listening and the accepted sockets.
    ListenOptions listenOptions;
    // A layer under recv/send (TLS), or null for the socket itself.
    StreamLayer layer;

    DispatcherSocket(ChannelMap map, Dispatcher parent) {
        this.map = map;
        this.parent = parent;
    }

    /** This object as the dispatcher it is: Dispatcher is the only subclass. */
    private Dispatcher self() {
        return (Dispatcher) this;
    }

    // ------------------------------------------------------------------ state

    /** {@return the map this dispatcher was made for} */
    public final ChannelMap map() {
        return map;
    }

    /**
     * {@return the dispatcher whose hook ran on this thread when this one was made (the
     * listener, for an accepted connection), or null} It lets a container close everything
     * a registered dispatcher spawned.
     */
    public final Dispatcher parent() {
        return parent;
    }

    /** {@return Python's {@code dispatcher.socket}: the channel, or null before a socket is set} */
    public final SelectableChannel channel() {
        return socket;
    }

    /** {@return Python's {@code connected}: whether the socket is connected} */
    public boolean isConnected() {
        return connected;
    }

    /** {@return Python's {@code accepting}: whether the socket listens} */
    public boolean isAccepting() {
        return accepting;
    }

    /** {@return Python's {@code connecting}: whether a connect is in progress} */
    public boolean isConnecting() {
        return connecting;
    }

    /** {@return whether {@link #close()} has run} */
    public final boolean isClosed() {
        return closed;
    }

    /**
     * {@return Python's {@code addr}: a listener's bound address, the address given to
     * {@link #connect}, or an accepted socket's peer; or null}
     */
    public SocketAddress address() {
        return addr;
    }

    /**
     * Python's {@code getsockname()}: with the port the system chose after binding to 0.
     *
     * @return the local address, or null when unbound
     * @throws IOException if the socket is closed
     */
    public SocketAddress localAddress() throws IOException {
        return socket == null ? null : ((NetworkChannel) socket).getLocalAddress();
    }

    /** {@return the family given to {@link #createSocket}, or that of the wrapped channel} */
    public AddressFamily family() {
        return family;
    }

    /**
     * Puts {@code layer} (TLS, say: {@code io.asyncore.tls.TlsLayer}) under {@link #recv}
     * and {@link #send} of this stream dispatcher. A new socket drops it. Call on the loop
     * thread, or before the dispatcher's first event.
     *
     * @param layer the layer, or null to talk to the socket directly again
     * @throws IllegalStateException if the layer belongs to another dispatcher
     */
    public final void setStreamLayer(StreamLayer layer) {
        if (layer != null) {
            if (layer.dispatcher != null && layer.dispatcher != self()) {
                throw new IllegalStateException("setStreamLayer: the layer belongs to " + layer.dispatcher);
            }
            layer.dispatcher = self();
        }
        this.layer = layer;
    }

    /** {@return the layer under {@link #recv} and {@link #send}, or null} */
    public final StreamLayer streamLayer() {
        return layer;
    }

    // ------------------------------------------------------------------ socket methods

    /**
     * Python's {@code create_socket()}: a TCP socket over IPv4.
     *
     * @throws IOException if the system refuses a socket
     */
    public void createSocket() throws IOException {
        createSocket(AddressFamily.INET, SocketType.STREAM);
    }

    /**
     * A stream socket of {@code family}.
     *
     * @param family the address family
     * @throws IOException if the system refuses a socket
     */
    public void createSocket(AddressFamily family) throws IOException {
        createSocket(family, SocketType.STREAM);
    }

    /**
     * Python's {@code create_socket(family, type)}: opens a non-blocking socket and joins
     * the map by the {@linkplain io.asyncore join rule}.
     *
     * @param family the address family
     * @param type stream or datagram
     * @throws IOException if the system refuses a socket
     * @throws IllegalStateException if this dispatcher already has an open socket
     * @throws UnsupportedOperationException for Unix-domain datagram sockets
     */
    public void createSocket(AddressFamily family, SocketType type) throws IOException {
        SocketSetup.createSocket(self(), family, type);
    }

    /**
     * {@return whether this thread may run loop-only code of this dispatcher} That is the
     * thread that serves its map or, before it joined one, any thread (the one making it).
     * Loop-only methods ({@link #send}, {@link #recv}, {@link #close()}, the event entry
     * points) {@code assert} this; tests run with {@code -ea}.
     */
    protected final boolean isLoopThread() {
        ChannelMap m = owner;
        return m == null || m.isLoopThread();
    }

    /** The message of a failed {@link #isLoopThread()} assertion in {@code operation}. */
    final String offLoop(String operation) {
        return operation + " of " + this + " on thread " + Thread.currentThread().getName()
                + ", but another thread serves " + owner + ": call it from a hook or through EventLoop.execute";
    }

    /**
     * Python's {@code set_socket(sock, map)}: adopts {@code channel}, made non-blocking,
     * and joins the map by the {@linkplain io.asyncore join rule}. Family and type become the
     * channel's (one neither bound nor connected keeps the family given to
     * {@link #createSocket}, else IPv4).
     *
     * @param channel a socket channel
     * @param map the map to join; null for the one the constructor chose
     * @throws IllegalArgumentException if the channel is not a socket channel
     * @throws UncheckedIOException if the channel cannot be made non-blocking
     */
    public void setSocket(SelectableChannel channel, ChannelMap map) {
        SocketSetup.setSocket(self(), channel, map);
    }

    /**
     * Joins the dispatcher's map by the {@linkplain io.asyncore join rule}, as a new socket does:
     * for subclasses with their own kind of channel, such as
     * {@code io.asyncore.file.FileDispatcher}.
     * ({@link Dispatcher#addChannel()} would let a loop on another thread run hooks while a subclass
     * constructor still runs.)
     */
    protected final void joinMap() {
        SocketSetup.join(self(), joinLater != null ? joinLater : map);
    }

    /**
     * Python's {@code set_reuse_addr()}: sets {@code SO_REUSEADDR}, kept for the listening
     * socket of {@link #listen}. Remembered without effect on Unix-domain sockets, as on Linux.
     *
     * @throws IOException if the option cannot be set
     */
    public void setReuseAddr() throws IOException {
        SocketSetup.setReuseAddr(self());
    }

    /**
     * Python's {@code bind(address)}.
     *
     * @param address the local address; port 0 lets the system choose
     * @throws IOException if the address is in use or not available
     * @throws IllegalStateException if there is no open socket, or it is already bound
     * @throws IllegalArgumentException if the address belongs to another family
     */
    public void bind(SocketAddress address) throws IOException {
        SocketSetup.bind(self(), address);
    }

    /**
     * Python's {@code listen(backlog)}: from now on the bound stream socket accepts
     * connections ({@link Dispatcher#handleAccept()}). Options set before carry over: buffer sizes,
     * {@code SO_REUSEADDR} and {@code SO_REUSEPORT} to the listening socket, options the
     * JDK has only for connected sockets ({@code SO_SNDBUF}, {@code TCP_NODELAY}, ...) to
     * each accepted one, as Linux passes them on. The kernel caps the backlog at
     * {@code net.core.somaxconn}.
     *
     * @param backlog the queue length for pending connections
     * @throws IOException if the system refuses to listen
     * @throws IllegalStateException if there is no open socket, it is not bound, or it is
     *     a datagram or connected socket
     */
    public void listen(int backlog) throws IOException {
        SocketSetup.listen(self(), backlog);
    }

    /**
     * Python's {@code connect(address)}: starts a non-blocking connect; the loop calls
     * {@link Dispatcher#handleConnect()} when it completes (at once, for Unix-domain and UDP sockets).
     *
     * @param address the peer
     * @throws IOException if the connect fails at once (refused Unix-domain socket, say)
     * @throws IllegalStateException if there is no open socket, it listens, or a stream
     *     socket is already connected (a connect in progress goes on, as Python's
     *     EALREADY; a connected datagram socket is re-targeted)
     * @throws IllegalArgumentException if the address belongs to another family
     */
    public void connect(SocketAddress address) throws IOException {
        SocketSetup.connect(self(), address);
    }

    /**
     * Python's {@code accept()}: takes one pending connection.
     *
     * @return the channel (still blocking, as Python's), or null when none is pending or
     *     the peer aborted it
     * @throws IOException for other errors (EMFILE, say)
     * @throws IllegalStateException if the dispatcher does not listen
     */
    public SocketChannel accept() throws IOException {
        assert isLoopThread() : offLoop("accept");
        return SocketSetup.accept(self());
    }

    /**
     * Python's {@code send(data)}.
     *
     * @param data the bytes to send
     * @return how many were sent; 0 when the socket cannot take more now, a connect is in
     *     progress, or the peer is gone or the socket closed or never connected (then
     *     {@link Dispatcher#handleClose()} ran, as for Python's disconnect errnos, EBADF, EPIPE and
     *     ENOTCONN included)
     * @throws IOException for errors other than a disconnect, such as a send on an
     *     unconnected datagram socket (Python's EDESTADDRREQ)
     * @throws IllegalStateException before {@link #createSocket}, or on a listening socket
     */
    public int send(byte[] data) throws IOException {
        return send(ByteBuffer.wrap(data));
    }

    /**
     * {@link #send(byte[])} without a copy: the buffer's position advances by the bytes sent.
     *
     * @param data the bytes to send, between position and limit
     * @return how many were sent, as {@link #send(byte[])}
     * @throws IOException for errors other than a disconnect
     */
    public int send(ByteBuffer data) throws IOException {
        Objects.requireNonNull(data, "send: data is null");
        assert isLoopThread() : offLoop("send");
        return StreamIo.send(self(), data);
    }

    /**
     * Python's {@code recv(buffer_size)}; on an unconnected datagram socket, the next
     * datagram from any sender ({@link #recvFrom} tells who).
     *
     * @param bufferSize the most bytes to read
     * @return the bytes read; empty when nothing is there now, or at end of stream (then
     *     {@link Dispatcher#handleEndOfStream()} ran: {@link Dispatcher#handleClose()} by default, as in Python)
     * @throws IOException for errors other than a disconnect
     */
    public byte[] recv(int bufferSize) throws IOException {
        return StreamIo.recv(self(), bufferSize);
    }

    /**
     * {@link #recv(int)} without a copy, into {@code buffer}.
     *
     * @param buffer where to put the bytes
     * @return bytes read; 0 when nothing is there now; -1 at end of stream (then
     *     {@link Dispatcher#handleEndOfStream()} ran), when the peer is gone, or when the socket was
     *     closed or (IPv4, IPv6) never connected (then {@link Dispatcher#handleClose()} ran, as
     *     Python's ENOTCONN)
     * @throws IOException for errors other than a disconnect, such as EINVAL on a
     *     Unix-domain stream socket that never connected (as Linux and Python answer)
     * @throws IllegalStateException before {@link #createSocket}, or on a listening socket
     */
    public int recv(ByteBuffer buffer) throws IOException {
        Objects.requireNonNull(buffer, "recv: buffer is null");
        assert isLoopThread() : offLoop("recv");
        return StreamIo.recv(self(), buffer);
    }

    /**
     * Python's {@code socket.sendto}: sends one datagram to {@code address}.
     *
     * @param data the datagram
     * @param address where to
     * @return bytes sent: all of them, or 0 when the socket cannot take it now
     * @throws IOException if sending fails
     * @throws IllegalStateException if this is not a datagram socket
     */
    public int sendTo(byte[] data, SocketAddress address) throws IOException {
        assert isLoopThread() : offLoop("sendTo");
        return StreamIo.sendTo(self(), data, address);
    }

    /**
     * Python's {@code socket.recvfrom}: receives one datagram.
     *
     * @param bufferSize the largest datagram to take whole; longer ones are truncated
     * @return the datagram and its sender, or null when none is waiting
     * @throws IOException if receiving fails
     * @throws IllegalStateException if this is not a datagram socket
     */
    public Datagram recvFrom(int bufferSize) throws IOException {
        assert isLoopThread() : offLoop("recvFrom");
        return StreamIo.recvFrom(self(), bufferSize);
    }

    /**
     * Python's {@code close()}: leaves the map and closes the socket. Idempotent; no
     * events reach a closed dispatcher, even later in the same pass.
     */
    public void close() {
        assert isLoopThread() : offLoop("close");
        SocketSetup.close(self());
    }
}
