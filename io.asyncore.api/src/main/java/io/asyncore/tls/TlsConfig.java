package io.asyncore.tls;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * How {@link TlsLayer} sets up its {@link SSLEngine}: an {@link SSLContext} the user
 * builds (or {@link TlsContexts} makes) plus the settings around it. Immutable; one
 * config serves any number of connections, and a client config shares the context's
 * session cache, so connections to the same host and port resume sessions.
 *
 * <pre>{@code
 * TlsConfig server = TlsConfig.builder(TlsContexts.fromPem(certs, key))
 *         .applicationProtocols("http/1.1").build();
 * }</pre>
 */
public final class TlsConfig {

    /** Client authentication a server asks for. */
    public enum ClientAuth {
        /** None (the default). */
        NONE,
        /** Asked for; the handshake goes on without one. */
        WANT,
        /** Required; the handshake fails without one. */
        NEED
    }

    private final SSLContext context;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final List<String> applicationProtocols;
    private final ClientAuth clientAuth;
    private final boolean verifyHostname;
    private final Executor taskExecutor;
    private final Duration handshakeTimeout;
    private final Duration closeTimeout;
    private final boolean truncationIsError;

    private TlsConfig(Builder b) {
        context = b.context;
        protocols = b.protocols;
        cipherSuites = b.cipherSuites;
        applicationProtocols = b.applicationProtocols;
        clientAuth = b.clientAuth;
        verifyHostname = b.verifyHostname;
        taskExecutor = b.taskExecutor;
        handshakeTimeout = b.handshakeTimeout;
        closeTimeout = b.closeTimeout;
        truncationIsError = b.truncationIsError;
    }

    /**
     * Starts a config around {@code context}.
     *
     * @param context the context that makes the engines
     * @return a builder with the defaults described on its methods
     */
    public static Builder builder(SSLContext context) {
        if (context == null) {
            throw new NullPointerException("TlsConfig: the SSLContext is null");
        }
        return new Builder(context);
    }

    /**
     * The context.
     *
     * @return the SSLContext engines come from
     */
    public SSLContext context() {
        return context;
    }

    /**
     * The executor for the engine's delegated tasks.
     *
     * @return the executor, or null to run them on the loop thread
     */
    public Executor taskExecutor() {
        return taskExecutor;
    }

    /**
     * How long a handshake may take.
     *
     * @return the bound, or null for none
     */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * How long a closing connection waits for its last bytes to go out and the peer's
     * {@code close_notify} to come in.
     *
     * @return the bound
     */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /**
     * Whether a peer that closes TCP without {@code close_notify} is an error.
     *
     * @return true: {@code handleError(TlsTruncationException)}; false (the default, as
     *     Python's {@code suppress_ragged_eofs}): the end of the stream
     */
    public boolean truncationIsError() {
        return truncationIsError;
    }

    /** Makes an engine for one connection. */
    SSLEngine newEngine(boolean client, String host, int port) {
        SSLEngine engine = host == null ? context.createSSLEngine() : context.createSSLEngine(host, port);
        engine.setUseClientMode(client);
        SSLParameters params = engine.getSSLParameters();
        if (protocols != null) {
            params.setProtocols(protocols.toArray(new String[0]));
        }
        if (cipherSuites != null) {
            params.setCipherSuites(cipherSuites.toArray(new String[0]));
        }
        if (applicationProtocols != null) {
            params.setApplicationProtocols(applicationProtocols.toArray(new String[0]));
        }
        if (client) {
            if (verifyHostname) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
        } else if (clientAuth == ClientAuth.NEED) {
            params.setNeedClientAuth(true);
        } else if (clientAuth == ClientAuth.WANT) {
            params.setWantClientAuth(true);
        }
        engine.setSSLParameters(params);
        return engine;
    }

    /** Builds a {@link TlsConfig}. Not thread-safe. */
    public static final class Builder {
        private final SSLContext context;
        private List<String> protocols;
        private List<String> cipherSuites;
        private List<String> applicationProtocols;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private boolean verifyHostname = true;
        private Executor taskExecutor;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(2);
        private boolean truncationIsError;

        private Builder(SSLContext context) {
            this.context = context;
        }

        /**
         * The protocol versions to enable, such as {@code "TLSv1.3"}; the context's
         * defaults otherwise.
         *
         * @param names protocol names
         * @return this builder
         */
        public Builder protocols(String... names) {
            protocols = List.of(names);
            return this;
        }

        /**
         * The cipher suites to enable; the context's defaults otherwise.
         *
         * @param names cipher suite names
         * @return this builder
         */
        public Builder cipherSuites(String... names) {
            cipherSuites = List.of(names);
            return this;
        }

        /**
         * ALPN: the protocols a client offers, or a server accepts in its order of
         * preference; none by default. Read the outcome with
         * {@link TlsLayer#applicationProtocol()}.
         *
         * @param names protocol names, such as {@code "h2"}, {@code "http/1.1"}
         * @return this builder
         */
        public Builder applicationProtocols(String... names) {
            applicationProtocols = List.of(names);
            return this;
        }

        /**
         * Servers: whether to ask clients for a certificate; {@link ClientAuth#NONE} by
         * default.
         *
         * @param auth the mode
         * @return this builder
         */
        public Builder clientAuth(ClientAuth auth) {
            if (auth == null) {
                throw new NullPointerException("clientAuth is null");
            }
            clientAuth = auth;
            return this;
        }

        /**
         * Clients: whether the server's certificate must name the host given to
         * {@link TlsLayer#client} (HTTPS rules: DNS or IP subject alternative names). On
         * by default; turn it off only for tests or pinned certificates.
         *
         * @param verify true to verify
         * @return this builder
         */
        public Builder verifyHostname(boolean verify) {
            verifyHostname = verify;
            return this;
        }

        /**
         * Where the engine's delegated tasks (certificate checks, key exchange) run.
         * By default they run on the loop thread, as Netty's {@code SslHandler} does;
         * with an executor they run there and the handshake goes on on the loop thread
         * when they are done, so a slow check blocks no other connection.
         *
         * @param executor the executor, or null for the loop thread
         * @return this builder
         */
        public Builder taskExecutor(Executor executor) {
            taskExecutor = executor;
            return this;
        }

        /**
         * How long a handshake may take before the connection gets
         * {@code handleError(SSLHandshakeException)}; 10 seconds by default. Null or zero
         * turns the bound off.
         *
         * @param timeout the bound
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            handshakeTimeout = timeout == null || timeout.isZero() ? null : positive(timeout, "handshakeTimeout");
            return this;
        }

        /**
         * How long a closed connection may linger to write what it has left and wait for
         * the peer's {@code close_notify}; 2 seconds by default. Zero: send
         * {@code close_notify} and close at once (bytes the socket could not take are lost).
         *
         * @param timeout the bound
         * @return this builder
         */
        public Builder closeTimeout(Duration timeout) {
            closeTimeout = timeout.isZero() ? Duration.ZERO : positive(timeout, "closeTimeout");
            return this;
        }

        /**
         * Whether a peer that closes TCP without {@code close_notify} (a possible
         * truncation attack) reaches {@code handleError} as a
         * {@link TlsTruncationException}. Off by default: the stream ends as usual (as
         * with Python's {@code suppress_ragged_eofs=True}) and
         * {@link TlsLayer#isTruncated()} tells it apart from a clean close.
         *
         * @param error true to report it as an error
         * @return this builder
         */
        public Builder truncationIsError(boolean error) {
            truncationIsError = error;
            return this;
        }

        /**
         * The config.
         *
         * @return a new immutable config
         */
        public TlsConfig build() {
            return new TlsConfig(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative, got " + d);
            }
            return d;
        }
    }
}
