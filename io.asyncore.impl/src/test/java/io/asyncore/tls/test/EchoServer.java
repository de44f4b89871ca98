package io.asyncore.tls.test;

import io.asyncore.AddressFamily;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.DispatcherWithSend;
import io.asyncore.tls.HandshakeListener;
import io.asyncore.tls.TlsConfig;
import io.asyncore.tls.TlsLayer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Our TLS echo server for the tests: the seed's echo handler ({@link DispatcherWithSend},
 * {@code recv(8192)} then {@code send}) with a {@link TlsLayer} under it. Records what
 * each connection saw, for the tests to assert.
 */
final class EchoServer extends Dispatcher {

    /** What one connection saw. */
    static final class Seen {
        volatile String sni;
        volatile String alpn;
        volatile String protocol;
        volatile boolean truncated;
        volatile boolean closeNotify;
        volatile boolean closed;
        volatile long echoed;
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
    }

    final List<Seen> connections = new CopyOnWriteArrayList<>();
    final AtomicInteger handshakes = new AtomicInteger();
    /** False: only count what arrives, send nothing back. */
    volatile boolean echo = true;
    private final TlsConfig config;

    EchoServer(ChannelMap map, TlsConfig config) throws IOException {
        super(map);
        this.config = config;
        createSocket(AddressFamily.INET);
        setReuseAddr();
        bind(new InetSocketAddress("127.0.0.1", 0));
        listen(1024);
    }

    int port() throws IOException {
        return ((InetSocketAddress) localAddress()).getPort();
    }

    /** All errors any connection saw. */
    List<Throwable> errors() {
        List<Throwable> all = new CopyOnWriteArrayList<>();
        for (Seen s : connections) {
            all.addAll(s.errors);
        }
        return all;
    }

    @Override
    protected void handleAccepted(SocketChannel channel, SocketAddress address) {
        Seen seen = new Seen();
        connections.add(seen);
        TlsLayer.server(new Handler(channel, seen), config);
    }

    final class Handler extends DispatcherWithSend implements HandshakeListener {
        private final Seen seen;

        Handler(SocketChannel channel, Seen seen) {
            super(channel);
            this.seen = seen;
        }

        @Override
        public void handleHandshake(TlsLayer tls) {
            seen.sni = tls.requestedServerName();
            seen.alpn = tls.applicationProtocol();
            seen.protocol = tls.session().getProtocol();
            handshakes.incrementAndGet();
        }

        @Override
        protected void handleRead() throws IOException {
            byte[] data = recv(8192);
            if (data.length > 0) {
                seen.echoed += data.length;
                if (echo) {
                    send(data);
                }
            }
        }

        @Override
        public void handleClose() {
            TlsLayer tls = TlsLayer.of(this);
            seen.truncated = tls.isTruncated();
            seen.closeNotify = tls.isCloseNotifyReceived();
            seen.closed = true;
            close();
        }

        @Override
        public void handleError(Throwable error) {
            seen.errors.add(error);
            seen.closed = true;
            close();
        }
    }
}
