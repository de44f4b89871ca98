package io.asyncore.tls;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.DispatcherWithSend;
import io.asyncore.LoopTimer;
import io.asyncore.StreamLayer;
import io.asyncore.chat.AsyncChat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

/**
 * TLS under a stream dispatcher's {@code recv} and {@code send}, on the JDK's
 * {@link SSLEngine}. The dispatcher's hooks see plaintext; {@code readable()} and
 * {@code writable()} keep Python's meaning (the layer adds the interest its handshake
 * needs); {@link DispatcherWithSend} and {@link AsyncChat} work over it unchanged.
 *
 * <pre>{@code
 * protected void handleAccepted(SocketChannel sock, SocketAddress addr) {
 *     TlsLayer.server(new EchoHandler(sock), config);
 * }
 * }</pre>
 *
 * <p>Behaviour:
 * <ul>
 * <li>The handshake starts once the socket is connected and runs on the loop without
 *     blocking it; {@code send} takes nothing and {@code recv} gives nothing until it
 *     completes (a {@link DispatcherWithSend} or {@link AsyncChat} keeps what was queued).
 *     A dispatcher implementing {@link HandshakeListener} hears when it completed. A
 *     failure (untrusted certificate, no common cipher suite, a peer that does not speak
 *     TLS, a handshake longer than {@link TlsConfig#handshakeTimeout()}) reaches
 *     {@code handleError} with the engine's {@link SSLException} and closes only this
 *     connection.</li>
 * <li>STARTTLS: installed on a connected plaintext dispatcher, the layer first lets the
 *     dispatcher's queued output (of a {@link DispatcherWithSend} or {@link AsyncChat})
 *     go out as plaintext, then starts the handshake.</li>
 * <li>{@code recv} hands up the plaintext of whole records; what does not fit waits in
 *     the layer, and the dispatcher gets {@code handleRead} again on the next pass while
 *     it answers {@code readable()}, as a socket with unread bytes would.</li>
 * <li>Closing sends {@code close_notify}; the connection lingers (outside the
 *     dispatcher, which is closed at once as usual) until its last bytes are written and
 *     the peer's {@code close_notify} arrived, at most {@link TlsConfig#closeTimeout()}.
 *     A peer that closes TCP without {@code close_notify} ends the stream and is marked
 *     {@link #isTruncated()}, or is an error with
 *     {@link TlsConfig.Builder#truncationIsError}.</li>
 * <li>Renegotiation (TLS 1.2 and older) is refused: the connection fails with an
 *     {@link SSLHandshakeException}. TLS 1.3 key updates and session tickets are handled
 *     as they come.</li>
 * </ul>
 *
 * <p>Threading: install on the loop thread (in a hook, say) or before the dispatcher's
 * first event; everything else happens on the loop thread, except delegated tasks given
 * to {@link TlsConfig#taskExecutor()}.
 */
public final class TlsLayer extends StreamLayer {

    private enum Phase { WAITING, DRAINING, HANDSHAKING, OPEN, CLOSED }

    private final TlsConfig config;
    private final SSLEngine engine;
    private final Runnable kickTask = this::kicked;
    private TlsIo io;
    private Phase phase = Phase.WAITING;
    private boolean userRead;
    private boolean userWrite;
    private TlsHandshake handshake;
    private boolean kickPending;
    private boolean handshakeDone;
    private boolean truncated;
    private LoopTimer handshakeTimer;

    private TlsLayer(TlsConfig config, SSLEngine engine) {
        this.config = config;
        this.engine = engine;
    }

    /**
     * Makes {@code dispatcher} the server side of a TLS connection: an accepted socket,
     * or a plaintext one switching to TLS (STARTTLS).
     *
     * @param dispatcher a stream dispatcher with its socket
     * @param config the settings
     * @return the layer, now under the dispatcher's recv and send
     * @throws IllegalStateException if the dispatcher has no stream socket or already a layer
     */
    public static TlsLayer server(Dispatcher dispatcher, TlsConfig config) {
        return install(dispatcher, config, false, null, -1);
    }

    /**
     * Makes {@code dispatcher} the client side of a TLS connection. Call after
     * {@code createSocket} (before or after {@code connect}), or on a connected plaintext
     * dispatcher (STARTTLS). {@code host} is sent as SNI (when it is a name), checked
     * against the server's certificate (unless {@link TlsConfig.Builder#verifyHostname}
     * is off), and with {@code port} keys the session cache for resumption.
     *
     * @param dispatcher a stream dispatcher with its socket
     * @param config the settings
     * @param host the server's host name or address as the user gave it
     * @param port the server's port
     * @return the layer
     * @throws IllegalStateException if the dispatcher has no stream socket or already a layer
     */
    public static TlsLayer client(Dispatcher dispatcher, TlsConfig config, String host, int port) {
        if (host == null) {
            throw new NullPointerException("TlsLayer.client: host is null; it is needed for SNI and hostname verification");
        }
        return install(dispatcher, config, true, host, port);
    }

    /**
     * The TLS layer of {@code dispatcher}.
     *
     * @param dispatcher a dispatcher
     * @return its layer, or null when it has no TLS layer
     */
    public static TlsLayer of(Dispatcher dispatcher) {
        return dispatcher.streamLayer() instanceof TlsLayer tls ? tls : null;
    }

    private static TlsLayer install(Dispatcher d, TlsConfig config, boolean client, String host, int port) {
        if (config == null) {
            throw new NullPointerException("TlsLayer: config is null");
        }
        SelectableChannel channel = d.channel();
        if (!(channel instanceof SocketChannel) || !channel.isOpen()) {
            throw new IllegalStateException("TlsLayer: " + d + " has no open stream socket"
                    + (channel == null ? "; call createSocket first" : ""));
        }
        if (d.streamLayer() != null) {
            throw new IllegalStateException("TlsLayer: " + d + " already has a layer: " + d.streamLayer());
        }
        TlsLayer tls = new TlsLayer(config, config.newEngine(client, host, port));
        if (d.isConnected()) {
            tls.phase = Phase.DRAINING; // STARTTLS: plaintext queued until now goes out first
        }
        d.setStreamLayer(tls);
        try {
            tls.start();
        } catch (SSLException e) {
            throw new UncheckedIOException("TlsLayer: the handshake cannot start on " + d, e);
        }
        return tls;
    }

    // ------------------------------------------------------------------ what users read

    /**
     * Whether the first handshake completed.
     *
     * @return true once application data flows
     */
    public boolean isHandshakeComplete() {
        return handshakeDone;
    }

    /**
     * The session: the negotiated one after the handshake, the one being negotiated
     * during it.
     *
     * @return the session
     */
    public SSLSession session() {
        SSLSession handshaking = handshakeDone ? null : engine.getHandshakeSession();
        return handshaking != null ? handshaking : engine.getSession();
    }

    /**
     * The protocol ALPN chose.
     *
     * @return the protocol, or null when none was negotiated (or the handshake is not done)
     */
    public String applicationProtocol() {
        String p = handshakeDone ? engine.getApplicationProtocol() : null;
        return p == null || p.isEmpty() ? null : p;
    }

    /**
     * Servers: the host name the client asked for (SNI).
     *
     * @return the name, or null when the client sent none
     */
    public String requestedServerName() {
        if (session() instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    return host.getAsciiName();
                }
            }
        }
        return null;
    }

    /**
     * Whether the peer closed TCP without sending {@code close_notify} first.
     *
     * @return true after such an end of stream
     */
    public boolean isTruncated() {
        return truncated;
    }

    /**
     * Whether the peer's {@code close_notify} arrived.
     *
     * @return true once it did
     */
    public boolean isCloseNotifyReceived() {
        return engine.isInboundDone() && !truncated;
    }

    /**
     * The engine, for settings this class does not cover. Do not wrap or unwrap with it.
     *
     * @return the engine
     */
    public SSLEngine engine() {
        return engine;
    }

    @Override
    public String toString() {
        return "TlsLayer[" + phase + (engine.getUseClientMode() ? ", client" : ", server") + "]";
    }

    // ------------------------------------------------------------------ the layer

    @Override
    protected boolean wantsRead(boolean readable) {
        userRead = readable;
        startUnchecked();
        switch (phase) {
            case WAITING:
                return readable; // not connected yet: the connect completes as without TLS
            case HANDSHAKING:
                HandshakeStatus hs = engine.getHandshakeStatus();
                return !busy() && (hs == HandshakeStatus.NEED_UNWRAP || hs == HandshakeStatus.NEED_UNWRAP_AGAIN);
            case OPEN:
                if (readable && forReader()) {
                    kick(); // bytes already here: the socket may never say readable again
                }
                return readable && !busy();
            default:
                return false;
        }
    }

    @Override
    protected boolean wantsWrite(boolean writable) {
        userWrite = writable;
        startUnchecked();
        switch (phase) {
            case WAITING:
            case DRAINING:
                return writable;
            case HANDSHAKING:
                return io.hasOutput() || (!busy() && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP);
            case OPEN:
                return io.hasOutput() || (writable && !busy());
            default:
                return false;
        }
    }

    @Override
    protected boolean readEvent() throws IOException {
        start();
        if (phase == Phase.HANDSHAKING && !busy()) {
            handshake();
            // The handshake took the bytes the socket had; more, if any, come by themselves.
            return phase == Phase.OPEN && userRead && io.hasInput();
        }
        return phase == Phase.OPEN && userRead;
    }

    @Override
    protected boolean writeEvent() throws IOException {
        start();
        switch (phase) {
            case DRAINING:
                return userWrite;
            case HANDSHAKING:
                if (io.flush() && !busy()) {
                    handshake();
                }
                return false;
            case OPEN:
                return io.flush() && userWrite && !busy();
            default:
                return false;
        }
    }

    @Override
    protected int read(ByteBuffer dst) throws IOException {
        if (phase != Phase.OPEN) {
            if (phase == Phase.CLOSED) {
                throw new ClosedChannelException();
            }
            return 0;
        }
        int start = dst.position();
        boolean filled = false;
        while (dst.hasRemaining() && !busy()) {
            if (io.hasPlaintext()) {
                io.take(dst);
                continue;
            }
            if (engine.isInboundDone()) {
                break;
            }
            if (io.needsBytes()) {
                if (filled) {
                    break; // one socket read per call, as a plain recv
                }
                filled = true;
                int n = io.fill();
                if (n < 0) {
                    endOfStream();
                    break;
                }
                if (n == 0) {
                    break;
                }
                continue;
            }
            SSLEngineResult r = dst.remaining() >= engine.getSession().getApplicationBufferSize()
                    ? io.unwrapInto(dst) : io.unwrap();
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                r = io.unwrap();
            }
            handshake.afterRecord(r.getHandshakeStatus());
        }
        int n = dst.position() - start;
        if (io.hasInput() || (n > 0 && forReader())) {
            kick(); // the rest, or the end of the stream, on the next pass
        }
        if (n > 0) {
            return n;
        }
        return engine.isInboundDone() || io.eof ? -1 : 0;
    }

    @Override
    protected int write(ByteBuffer src) throws IOException {
        switch (phase) {
            case WAITING:
            case HANDSHAKING:
                return 0;
            case DRAINING:
                return ((ByteChannel) dispatcher().channel()).write(src); // plaintext before STARTTLS
            case CLOSED:
                throw new ClosedChannelException();
            default:
                break;
        }
        if (engine.isOutboundDone()) {
            throw new ClosedChannelException();
        }
        if (busy() || !io.flush()) {
            return 0;
        }
        int start = src.position();
        while (src.hasRemaining() && !busy()) {
            SSLEngineResult r = io.wrap(src);
            if (r == null) {
                break;
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                if (src.position() == start) {
                    throw new ClosedChannelException();
                }
                break;
            }
            handshake.afterRecord(r.getHandshakeStatus());
            if (!io.flush()) {
                break;
            }
        }
        return src.position() - start;
    }

    @Override
    protected boolean closeLater(SelectableChannel channel, ChannelMap map) {
        Phase was = phase;
        phase = Phase.CLOSED;
        cancelHandshakeTimer();
        if (io == null || busy()) {
            return false; // never started, or a delegated task still holds the engine: just close
        }
        try {
            engine.closeOutbound();
            while (!engine.isOutboundDone()) {
                SSLEngineResult r = io.wrap(TlsIo.EMPTY);
                if (r == null || r.bytesProduced() == 0) {
                    break;
                }
            }
            io.flush();
        } catch (IOException | RuntimeException e) {
            return false; // the peer is gone or the engine broken: nothing to wait for
        }
        Duration bound = config.closeTimeout();
        boolean awaitPeer = !engine.isInboundDone() && !io.eof;
        if (was != Phase.OPEN || map == null || bound.isZero() || !(awaitPeer || io.hasOutput())) {
            return false;
        }
        io.discardPlaintext();
        new TlsCloser(io, channel, map, bound);
        return true;
    }

    // ------------------------------------------------------------------ the handshake

    private void startUnchecked() {
        try {
            start();
        } catch (SSLException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Begins the handshake once connected (what a client queued while connecting waits for
     * it), or, for STARTTLS, once the plaintext queued before the upgrade is out.
     */
    private void start() throws SSLException {
        if ((phase == Phase.WAITING && dispatcher().isConnected()) || (phase == Phase.DRAINING && !plaintextQueued())) {
            io = new TlsIo(engine, (ByteChannel) dispatcher().channel());
            handshake = new TlsHandshake(io, config.taskExecutor(), () -> loopMap().timers(), this::tasksDone);
            phase = Phase.HANDSHAKING;
            engine.beginHandshake();
            Duration timeout = config.handshakeTimeout();
            if (timeout != null) {
                handshakeTimer = loopMap().timers().schedule(timeout, this::handshakeExpired);
            }
        }
    }

    private boolean plaintextQueued() {
        Dispatcher d = dispatcher();
        return (d instanceof DispatcherWithSend w && w.pendingOutputBytes() > 0)
                || (d instanceof AsyncChat c && c.pendingOutputEntries() > 0);
    }

    /** Drives the first handshake; completes it when the engine is done. */
    private void handshake() throws IOException {
        if (handshake.drive()) {
            handshakeCompleted();
        }
    }

    /** Whether delegated tasks are out: the engine must not be used until they are back. */
    private boolean busy() {
        return handshake != null && handshake.tasksRunning();
    }

    private void handshakeCompleted() throws IOException {
        phase = Phase.OPEN;
        handshakeDone = true;
        cancelHandshakeTimer();
        if (dispatcher() instanceof HandshakeListener listener) {
            listener.handleHandshake(this);
        }
        if (io.hasInput()) {
            kick(); // application data came with the last handshake flight
        }
    }

    /** On the loop thread, once the delegated tasks ran: the handshake goes on. */
    private void tasksDone(Throwable failure) {
        Dispatcher d = dispatcher();
        if (phase == Phase.CLOSED || d.isClosed()) {
            return;
        }
        try {
            if (failure != null) {
                throw new SSLException("TLS delegated task failed: " + failure, failure);
            }
            if (phase == Phase.HANDSHAKING) {
                handshake();
            } else {
                handshake.afterRecord(engine.getHandshakeStatus());
                if (io.hasInput()) {
                    kick();
                }
            }
        } catch (Throwable e) {
            fail(e);
        }
    }

    private void handshakeExpired() {
        handshakeTimer = null;
        Dispatcher d = dispatcher();
        if (phase == Phase.HANDSHAKING && !d.isClosed()) {
            fail(new SSLHandshakeException("TLS handshake timed out after "
                    + config.handshakeTimeout().toMillis() + " ms"));
        }
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
    }

    // ------------------------------------------------------------------ reading

    /** The socket ended: after close_notify a clean end, else a truncation. */
    private void endOfStream() throws IOException {
        if (engine.isInboundDone()) {
            return;
        }
        truncated = true;
        try {
            engine.closeInbound();
        } catch (SSLException e) {
            // the JDK's "possible truncation attack": reported as configured, below
        }
        if (config.truncationIsError()) {
            throw new TlsTruncationException("TLS connection truncated: the peer closed TCP without close_notify");
        }
    }

    /**
     * Asks for {@code handleRead} on the next pass: plaintext or whole records wait in the
     * layer, where the socket's readiness cannot show them.
     */
    private void kick() {
        if (!kickPending) {
            kickPending = true;
            loopMap().timers().schedule(Duration.ZERO, kickTask);
        }
    }

    /**
     * Whether {@code recv} has something the socket's readiness may not show: plaintext or
     * whole records already read, or the end of the stream (a peer that sent
     * {@code close_notify} may keep TCP open, waiting for ours).
     */
    private boolean forReader() {
        return io.hasInput() || engine.isInboundDone() || io.eof;
    }

    private void kicked() {
        kickPending = false;
        Dispatcher d = dispatcher();
        if (phase != Phase.OPEN || d.isClosed() || !forReader()) {
            return;
        }
        boolean readable;
        try {
            readable = d.readable();
        } catch (Throwable e) {
            fail(e);
            return;
        }
        if (readable) { // else the pass that finds it readable again kicks
            userRead = true;
            Asyncore.read(d);
        }
    }
}
