package io.asyncore;

import io.asyncore.spi.ReadinessSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
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
public abstract class Dispatcher extends DispatcherSocket {

    private static final System.Logger LOG = io.asyncore.spi.Logging.logger(Dispatcher.class.getName());

    /**
     * The most connections the default {@link #handleAccept()} takes per readiness event.
     * Python takes one; under load that lets connections wait a whole pass each (with
     * thousands of busy connections, long enough for the kernel to drop new ones when a
     * small backlog is full). The bound keeps one listener from taking over a pass.
     */
    public static final int ACCEPTS_PER_EVENT = 64;

    /** Log types that {@link #logInfo(String, String)} drops; Python's default drops warnings. */
    protected Set<String> ignoreLogTypes = Set.of("warning");

    // The slot in the map that holds this dispatcher (ChannelMap, under its lock).
    int mapIndex = -1;

    // The pass's per-dispatcher state (see Pass): the backend's registration of the channel
    // or readiness source registeredFor, and the answers last given to it, so that a pass
    // over many idle channels touches nothing but the dispatchers. Loop thread only.
    io.asyncore.spi.Registration registration;
    Object registeredFor;
    int passStamp;

    // Reliability state, made on first use so plain dispatchers carry null fields.
    Timeouts timeouts;
    AcceptPause acceptPause;

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
        this(channel, map, Asyncore.current());
    }

    private Dispatcher(SelectableChannel channel, ChannelMap map, Dispatcher parent) {
        super(map != null ? map : ChannelMap.forNewDispatcher(parent), parent);
        if (channel != null) {
            setSocket(channel, map()); // checks the channel and makes it non-blocking
            addr = SocketSetup.peerAddress(channel);
            connected = addr != null;
        }
    }

    // ------------------------------------------------------------------ readiness

    /**
     * {@return a readiness source for channels the JDK selector cannot watch; null here}
     * {@code io.asyncore.file} overrides this.
     */
    public ReadinessSource readinessSource() {
        return null;
    }

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
        ChannelMap target = map != null ? map : joinLater != null ? joinLater : map();
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
