package io.asyncore;

import io.asyncore.spi.ReadinessSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Python's {@code asyncore.dispatcher}: a thin wrapper around one non-blocking socket
 * that receives readiness events from the loop. Python's {@code snake_case} names become
 * camelCase: {@code create_socket} is {@link #createSocket}, {@code handle_read} is
 * {@link #handleRead()}, and so on.
 *
 * <p>Subclasses override the hooks they care about ({@link #handleRead()},
 * {@link #handleWrite()}, {@link #handleConnect()}, {@link #handleAccepted},
 * {@link #handleClose()}, {@link #handleError(Throwable)}) and answer {@link #readable()}
 * and {@link #writable()}. The engine asks both every pass and calls the hooks, all on
 * the loop thread: the thread that serves the map.
 *
 * <p>Threading: a dispatcher joins its map when it gets a socket, but never before its
 * constructor returned: off the loop thread it waits for {@link #addChannel()} or
 * {@link EventLoop#register}. The {@linkplain io.asyncore package documentation} states
 * this <a href="package-summary.html#join-rule">join rule</a> and
 * <a href="package-summary.html#map-rule">which map</a> a dispatcher joins. Once joined,
 * a dispatcher belongs to the loop thread: call its methods from hooks or through
 * {@link EventLoop#execute}. Loop-only methods {@code assert} {@link #isLoopThread()}.
 * The loop leaves a dispatcher alone while its {@link #connect} runs.
 *
 * <p>Sockets follow Python's model: {@link #createSocket} makes the socket, and
 * {@link #listen} turns it into a listening one (NIO needs a separate
 * {@link ServerSocketChannel}, which {@code listen} opens on the bound address).
 *
 * <p>{@link #handleExpt()}: the JDK selector (epoll on Linux) reports no out-of-band
 * data, and folds hang-up and error conditions into read and write readiness, where
 * {@link #recv} and {@link #send} see them. So {@code handleExpt} is called only by
 * engines that report priority events ({@link Asyncore#POLLPRI}), such as the file
 * descriptor poller of {@code io.asyncore.file}.
 */
@ConsumerType
public abstract class Dispatcher {

    private static final System.Logger LOG = io.asyncore.spi.Logging.logger(Dispatcher.class.getName());

    /**
     * The most connections the default {@link #handleAccept()} takes per readiness event.
     * Python takes one; under load that lets connections wait a whole pass each (with
     * thousands of busy connections, long enough for the kernel to drop new ones when a
     * small backlog is full). The bound keeps one listener from taking over a pass.
     */
    public static final int ACCEPTS_PER_EVENT = 64;

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
    /** Log types that {@link #logInfo(String, String)} drops; Python's default drops warnings. */
    protected Set<String> ignoreLogTypes = Set.of("warning");

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
    int mapIndex = -1;
    // Set while connect() runs: a connect that completes at once runs handleConnect on the
    // caller's thread, and the loop (maybe on another thread) must not serve the half-made
    // connection meanwhile; ChannelMap.contains answers false until connect() returns.
    volatile boolean standingAside;

    // The pass's per-dispatcher state (see Pass): the backend's registration of the channel
    // or readiness source registeredFor, and the answers last given to it, so that a pass
    // over many idle channels touches nothing but the dispatchers. Loop thread only.
    io.asyncore.spi.Registration registration;
    Object registeredFor;
    int passStamp;

    // The fields below are package-private for SocketSetup, StreamIo and EventDispatch,
    // which hold the behaviour behind the public methods.
    // Reliability state, made on first use so plain dispatchers carry null fields.
    Timeouts timeouts;
    AcceptPause acceptPause;
    ListenOptions listenOptions;
    // A layer under recv/send (TLS), or null for the socket itself.
    StreamLayer layer;

    /**
     * A dispatcher without a socket, for the map the {@linkplain io.asyncore map rule}
     * chooses; call {@link #createSocket} next.
     */
    protected Dispatcher() {
        this(null, null);
    }

    /**
     * A dispatcher without a socket.
     *
     * @param map the map to join when a socket is set; null to let the
     *     {@linkplain io.asyncore map rule} choose
     */
    protected Dispatcher(ChannelMap map) {
        this(null, map);
    }

    /**
     * A dispatcher around an existing socket (an accepted one, say), for the map the
     * {@linkplain io.asyncore map rule} chooses.
     *
     * @param channel the socket; made non-blocking
     * @throws UncheckedIOException if the channel cannot be made non-blocking
     */
    protected Dispatcher(SelectableChannel channel) {
        this(channel, null);
    }

    /**
     * Python's {@code dispatcher(sock, map)}: wraps {@code channel} (made non-blocking) and
     * joins {@code map} by the {@linkplain io.asyncore join rule}. A connected channel sets
     * {@link #connected} and {@link #addr}.
     *
     * @param channel the socket, or null for none yet
     * @param map the map; null to let the {@linkplain io.asyncore map rule} choose
     * @throws IllegalArgumentException if the channel is not a socket channel
     * @throws UncheckedIOException if the channel cannot be made non-blocking
     */
    protected Dispatcher(SelectableChannel channel, ChannelMap map) {
        this.parent = Asyncore.current();
        this.map = map != null ? map : ChannelMap.forNewDispatcher(parent);
        if (channel != null) {
            setSocket(channel, this.map); // checks the channel and makes it non-blocking
            addr = SocketSetup.peerAddress(channel);
            connected = addr != null;
        }
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

    /**
     * {@return a readiness source for channels the JDK selector cannot watch; null here}
     * {@code io.asyncore.file} overrides this.
     */
    public ReadinessSource readinessSource() {
        return null;
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

    // ------------------------------------------------------------------ readiness

    /**
     * {@return whether this dispatcher wants read events; asked every pass, on the loop
     * thread} True by default.
     */
    public boolean readable() {
        return true;
    }

    /**
     * {@return whether this dispatcher wants write events; asked every pass, on the loop
     * thread} True by default; listening sockets are never polled for writing, whatever
     * this answers.
     */
    public boolean writable() {
        return true;
    }

    /** For the pass: {@link #readable()}, adjusted by the {@link StreamLayer} if any. */
    final boolean pollReadable() {
        boolean read = readable();
        return layer == null ? read : layer.wantsRead(read);
    }

    /** For the pass: {@link #writable()}, adjusted by the {@link StreamLayer} if any. */
    final boolean pollWritable() {
        boolean write = writable();
        return layer == null ? write : layer.wantsWrite(write);
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
            if (layer.dispatcher != null && layer.dispatcher != this) {
                throw new IllegalStateException("setStreamLayer: the layer belongs to " + layer.dispatcher);
            }
            layer.dispatcher = this;
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
        SocketSetup.createSocket(this, family, type);
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
        SocketSetup.setSocket(this, channel, map);
    }

    /**
     * Joins the dispatcher's map by the {@linkplain io.asyncore join rule}, as a new socket does:
     * for subclasses with their own kind of channel, such as
     * {@code io.asyncore.file.FileDispatcher}.
     * ({@link #addChannel()} would let a loop on another thread run hooks while a subclass
     * constructor still runs.)
     */
    protected final void joinMap() {
        SocketSetup.join(this, joinLater != null ? joinLater : map);
    }

    /**
     * Python's {@code set_reuse_addr()}: sets {@code SO_REUSEADDR}, kept for the listening
     * socket of {@link #listen}. Remembered without effect on Unix-domain sockets, as on Linux.
     *
     * @throws IOException if the option cannot be set
     */
    public void setReuseAddr() throws IOException {
        SocketSetup.setReuseAddr(this);
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
        SocketSetup.bind(this, address);
    }

    /**
     * Python's {@code listen(backlog)}: from now on the bound stream socket accepts
     * connections ({@link #handleAccept()}). Options set before carry over: buffer sizes,
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
        SocketSetup.listen(this, backlog);
    }

    /**
     * Python's {@code connect(address)}: starts a non-blocking connect; the loop calls
     * {@link #handleConnect()} when it completes (at once, for Unix-domain and UDP sockets).
     *
     * @param address the peer
     * @throws IOException if the connect fails at once (refused Unix-domain socket, say)
     * @throws IllegalStateException if there is no open socket, it listens, or a stream
     *     socket is already connected (a connect in progress goes on, as Python's
     *     EALREADY; a connected datagram socket is re-targeted)
     * @throws IllegalArgumentException if the address belongs to another family
     */
    public void connect(SocketAddress address) throws IOException {
        SocketSetup.connect(this, address);
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
        return SocketSetup.accept(this);
    }

    /**
     * Python's {@code send(data)}.
     *
     * @param data the bytes to send
     * @return how many were sent; 0 when the socket cannot take more now, a connect is in
     *     progress, or the peer is gone or the socket closed or never connected (then
     *     {@link #handleClose()} ran, as for Python's disconnect errnos, EBADF, EPIPE and
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
        return StreamIo.send(this, data);
    }

    /**
     * Python's {@code recv(buffer_size)}; on an unconnected datagram socket, the next
     * datagram from any sender ({@link #recvFrom} tells who).
     *
     * @param bufferSize the most bytes to read
     * @return the bytes read; empty when nothing is there now, or at end of stream (then
     *     {@link #handleEndOfStream()} ran: {@link #handleClose()} by default, as in Python)
     * @throws IOException for errors other than a disconnect
     */
    public byte[] recv(int bufferSize) throws IOException {
        return StreamIo.recv(this, bufferSize);
    }

    /**
     * {@link #recv(int)} without a copy, into {@code buffer}.
     *
     * @param buffer where to put the bytes
     * @return bytes read; 0 when nothing is there now; -1 at end of stream (then
     *     {@link #handleEndOfStream()} ran), when the peer is gone, or when the socket was
     *     closed or (IPv4, IPv6) never connected (then {@link #handleClose()} ran, as
     *     Python's ENOTCONN)
     * @throws IOException for errors other than a disconnect, such as EINVAL on a
     *     Unix-domain stream socket that never connected (as Linux and Python answer)
     * @throws IllegalStateException before {@link #createSocket}, or on a listening socket
     */
    public int recv(ByteBuffer buffer) throws IOException {
        Objects.requireNonNull(buffer, "recv: buffer is null");
        assert isLoopThread() : offLoop("recv");
        return StreamIo.recv(this, buffer);
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
        return StreamIo.sendTo(this, data, address);
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
        return StreamIo.recvFrom(this, bufferSize);
    }

    /**
     * Python's {@code close()}: leaves the map and closes the socket. Idempotent; no
     * events reach a closed dispatcher, even later in the same pass.
     */
    public void close() {
        assert isLoopThread() : offLoop("close");
        SocketSetup.close(this);
    }

    // ------------------------------------------------------------------ map membership

    /**
     * Python's {@code add_channel()}: joins the dispatcher's map (the constructor's, or
     * the one given to {@link #setSocket}) from its next pass. Thread-safe: this is how a
     * dispatcher made off the loop thread joins once fully constructed (the
     * {@linkplain io.asyncore join rule}).
     */
    public void addChannel() {
        addChannel(null);
    }

    /**
     * Python's {@code add_channel(map)}: joins {@code map}, as {@link #addChannel()}.
     * Thread-safe.
     *
     * @param map the map; null for the one {@link #addChannel()} joins
     */
    public void addChannel(ChannelMap map) {
        ChannelMap target = map != null ? map : joinLater != null ? joinLater : this.map;
        joinLater = null;
        target.add(this);
    }

    /** Python's {@code del_channel()}: leaves whatever map holds the dispatcher. */
    public void delChannel() {
        ChannelMap current = owner;
        if (current != null) {
            current.remove(this);
        }
    }

    // ------------------------------------------------------------------ events from the engine

    /**
     * Python's {@code handle_read_event}, called when the socket is readable:
     * {@link #handleAccept()} on a listener, {@link #handleConnect()} then
     * {@link #handleRead()} on a socket still connecting, else {@link #handleRead()}.
     *
     * @throws IOException from the hooks
     */
    public void handleReadEvent() throws IOException {
        assert isLoopThread() : offLoop("handleReadEvent");
        EventDispatch.readEvent(this);
    }

    /**
     * Python's {@code handle_connect_event}: completes a connect and calls
     * {@link #handleConnect()}.
     *
     * @throws IOException the connect's error, such as "Connection refused" (Python checks
     *     {@code SO_ERROR})
     */
    public void handleConnectEvent() throws IOException {
        assert isLoopThread() : offLoop("handleConnectEvent");
        EventDispatch.connectEvent(this);
    }

    /**
     * Python's {@code handle_write_event}, called when the socket is writable: completes a
     * pending connect, then {@link #handleWrite()}.
     *
     * @throws IOException from the hooks
     */
    public void handleWriteEvent() throws IOException {
        assert isLoopThread() : offLoop("handleWriteEvent");
        EventDispatch.writeEvent(this);
    }

    /**
     * Python's {@code handle_expt_event} for a socket without a pending error, called on a
     * priority event: {@link #handleExpt()}.
     *
     * @throws IOException from the hook
     */
    public void handleExptEvent() throws IOException {
        assert isLoopThread() : offLoop("handleExptEvent");
        handleExpt();
    }

    // ------------------------------------------------------------------ hooks

    /**
     * Python's {@code handle_error}: an exception escaped a hook. Logs (unless
     * {@code "error"} is in {@link #ignoreLogTypes}, as Python's {@code log_info} call
     * there) and closes through {@link #handleClose()}. A bug logs {@code "error:
     * uncaptured exception, closing channel <this> (<type>:<message> [file|function|line]
     * ...)"} (the condensed traceback of {@link Asyncore#compactTraceback}) at ERROR with
     * the exception. An expected condition, a {@link LimitExceededException} or a
     * disconnect, logs one WARNING line without a stack trace, and a burst of the same
     * condition is summarised in one line per 10 s instead of one line per connection.
     *
     * @param error what was thrown
     */
    public void handleError(Throwable error) {
        Counting.hookFailed(this, error); // limits reported by AsyncChat and others come here directly
        if (!ignoreLogTypes.contains("error")) {
            ErrorReport.log(LOG, this, error);
        }
        handleClose();
    }

    /**
     * Python's {@code handle_expt}: out-of-band data arrived (see the class javadoc for
     * when engines report it). The default logs a warning.
     */
    protected void handleExpt() throws IOException {
        logInfo("unhandled incoming priority event", "warning");
    }

    /** Python's {@code handle_read}: data can be read. The default logs a warning. */
    protected void handleRead() throws IOException {
        logInfo("unhandled read event", "warning");
    }

    /** Python's {@code handle_write}: the socket can take more data. The default logs a warning. */
    protected void handleWrite() throws IOException {
        logInfo("unhandled write event", "warning");
    }

    /** Python's {@code handle_connect}: the connect completed. The default logs a warning. */
    protected void handleConnect() throws IOException {
        logInfo("unhandled connect event", "warning");
    }

    /**
     * Python's {@code handle_accept}: connections are pending on a listening socket.
     * Accepts each and passes it to {@link #handleAccepted}, until none is pending,
     * {@link #ACCEPTS_PER_EVENT} were taken, or the dispatcher stops accepting (closed,
     * paused, or {@link #readable()} turned false); the rest wait for the next event.
     * Python takes one per event; an override that calls {@link #accept()} once keeps that.
     *
     * @throws IOException if accepting fails
     */
    protected void handleAccept() throws IOException {
        EventDispatch.acceptAll(this);
    }

    /**
     * Python's {@code handle_accepted(sock, addr)}: a connection was accepted. The default
     * closes it and logs a warning; servers wrap it in a dispatcher.
     *
     * @param channel the new connection (blocking until a dispatcher wraps it)
     * @param address the peer's address
     * @throws IOException for subclasses
     */
    protected void handleAccepted(SocketChannel channel, SocketAddress address) throws IOException {
        channel.close();
        logInfo("unhandled accepted event", "warning");
    }

    /**
     * The peer ended its side: {@link #recv} read end of stream. The default calls
     * {@link #handleClose()}, as Python does; {@link DispatcherWithSend} and
     * {@link io.asyncore.chat.AsyncChat} first finish sending queued output (see
     * {@link OutputFlow}).
     */
    protected void handleEndOfStream() {
        handleClose();
    }

    /**
     * Python's {@code handle_close}: the peer closed or the connection broke. The default
     * logs and {@link #close()}s.
     */
    public void handleClose() {
        logInfo("unhandled close event", "warning");
        close();
    }

    // ------------------------------------------------------------------ timeouts and accept pauses (not in Python)

    /**
     * A timeout set through {@link #timeouts()} expired; called on the loop thread with the
     * error handling of the other hooks. The default logs a line naming the timeout and
     * {@link #close()}s (an idle timer that leaves the dispatcher open fires again one
     * period later).
     *
     * @param kind which timeout
     * @throws IOException for subclasses
     */
    protected void handleTimeout(TimeoutKind kind) throws IOException {
        Duration limit = timeouts == null ? null : timeouts.of(kind);
        logInfo(kind.label() + " timeout (" + (limit == null ? "?" : limit.toMillis() + " ms")
                + ") expired, closing " + this, "info");
        close();
    }

    /**
     * {@return this dispatcher's idle and connect timeouts, made on first use} Set them on
     * the loop thread, or before the dispatcher's first event.
     */
    public final Timeouts timeouts() {
        Timeouts t = timeouts;
        if (t == null) {
            t = timeouts = new Timeouts(this);
        }
        return t;
    }

    /**
     * {@return whether this listener paused accepting because the process ran out of file
     * descriptors ({@code EMFILE}/{@code ENFILE})} While paused the engine does not poll it
     * for connections, whatever {@link #readable()} answers; it resumes by itself after one
     * second. Python would have closed the listener instead.
     */
    public final boolean isAcceptPaused() {
        return acceptPause != null && acceptPause.paused();
    }

    // ------------------------------------------------------------------ logging and repr

    /**
     * Python's {@code log(message)}: logs {@code "log: message"} at INFO, which the default
     * logging configuration shows on standard error, where Python writes it.
     * {@link #ignoreLogTypes} does not apply, as in Python.
     *
     * @param message the message
     */
    public void log(String message) {
        LOG.log(Level.INFO, "log: " + message);
    }

    /**
     * Python's {@code log_info(message)}: {@link #logInfo(String, String)} at type {@code info}.
     *
     * @param message the message
     */
    public void logInfo(String message) {
        logInfo(message, "info");
    }

    /**
     * Python's {@code log_info(message, type)}: logs {@code "type: message"} through
     * {@link System.Logger} unless {@code type} is in {@link #ignoreLogTypes}; types
     * {@code error} and {@code warning} at those levels, others at INFO.
     *
     * @param message the message
     * @param type the log type, such as {@code info}, {@code warning} or {@code error}
     */
    public void logInfo(String message, String type) {
        if (!ignoreLogTypes.contains(type)) {
            LOG.log(Repr.level(type), type + ": " + message);
        }
    }

    /** Like Python's repr: {@code <com.example.EchoHandler connected 127.0.0.1:54321 at 0x1b2c3d>}. */
    @Override
    public String toString() {
        return Repr.of(this);
    }
}
