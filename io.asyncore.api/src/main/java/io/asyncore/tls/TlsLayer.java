package io.asyncore.tls;

import io.asyncore.Dispatcher;
import io.asyncore.DispatcherWithSend;
import io.asyncore.chat.AsyncChat;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
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
public final class TlsLayer extends TlsPhases {

    private TlsLayer(TlsConfig config, SSLEngine engine) {
        super(config, engine);
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
     * Makes {@code dispatcher} the client side of a TLS connection, after
     * {@code createSocket} (before or after {@code connect}) or on a connected plaintext
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
     * @return its layer, or null when it has none
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

    /**
     * Whether the first handshake completed.
     *
     * @return true once application data flows
     */
    public boolean isHandshakeComplete() {
        return handshakeDone;
    }

    /**
     * The session: the negotiated one, or during the handshake the one being negotiated.
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
        return reader != null && reader.truncated();
    }

    /**
     * Whether the peer's {@code close_notify} arrived.
     *
     * @return true once it did
     */
    public boolean isCloseNotifyReceived() {
        return engine.isInboundDone() && !isTruncated();
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
}
