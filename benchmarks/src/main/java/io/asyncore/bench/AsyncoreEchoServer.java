package io.asyncore.bench;

import io.asyncore.AddressFamily;
import io.asyncore.Dispatcher;
import io.asyncore.DispatcherWithSend;
import io.asyncore.EventLoopGroup;
import io.asyncore.tls.TlsConfig;
import io.asyncore.tls.TlsLayer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * Our echo servers: a listening {@link Dispatcher} on loop 0 of an {@link EventLoopGroup}
 * that hands accepted connections to the group's loops round robin, or (reuse-port mode)
 * a listener on every loop sharing the port with {@code SO_REUSEPORT}, each serving the
 * connections it accepts.
 *
 * <ul>
 *   <li>{@link Style#SEND}: the seed's {@code DispatcherWithSend} echo as written,
 *       {@code send(recv(8192))};</li>
 *   <li>{@link Style#ZERO_COPY}: a plain {@code Dispatcher} that reads into the loop's
 *       shared direct buffer and writes it back with the {@code ByteBuffer} forms of
 *       {@code recv} and {@code send}; it is writable only while data is pending.</li>
 * </ul>
 */
public final class AsyncoreEchoServer implements EchoServer {

    /** Which handler serves connections. */
    public enum Style {
        /** {@code DispatcherWithSend}: {@code send(recv(8192))}. */
        SEND,
        /** {@code Dispatcher} with {@code recv(ByteBuffer)}/{@code send(ByteBuffer)}. */
        ZERO_COPY
    }

    /** One shared read buffer per loop thread: handlers are made on their loop's thread. */
    private static final ThreadLocal<ByteBuffer> LOOP_BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(64 * 1024));

    private final EventLoopGroup group;
    private final AtomicInteger connections = new AtomicInteger();
    private final Listener listener;
    private final boolean reusePort;

    /**
     * Starts the group and the listener.
     *
     * @param style the connection handler
     * @param loops how many loops
     * @throws IOException if the listening socket cannot be opened
     */
    public AsyncoreEchoServer(Style style, int loops) throws IOException {
        this(style, loops, false, null);
    }

    /**
     * Starts the group and its listener, or with {@code reusePort} a listener per loop.
     *
     * @param style the connection handler
     * @param loops how many loops
     * @param reusePort one listener per loop with {@code SO_REUSEPORT} instead of hand-off
     * @throws IOException if a listening socket cannot be opened
     */
    public AsyncoreEchoServer(Style style, int loops, boolean reusePort) throws IOException {
        this(style, loops, reusePort, null);
    }

    /**
     * Starts the server with a TLS layer under every connection's handler.
     *
     * @param style which handler
     * @param loops how many loops
     * @param tls the server's TLS context, or null for plaintext
     * @throws IOException if the server cannot start
     */
    public AsyncoreEchoServer(Style style, int loops, SSLContext tls) throws IOException {
        this(style, loops, false, tls);
    }

    private AsyncoreEchoServer(Style style, int loops, boolean reusePort, SSLContext tls) throws IOException {
        this.reusePort = reusePort;
        group = EventLoopGroup.start("asyncore-echo", loops);
        Function<SocketChannel, Dispatcher> plain = style == Style.SEND ? SendHandler::new : ZeroCopyHandler::new;
        TlsConfig config = tls == null ? null : TlsConfig.builder(tls).build();
        Function<SocketChannel, Dispatcher> factory = config == null ? plain : channel -> {
            Dispatcher d = plain.apply(channel);
            TlsLayer.server(d, config); // on the loop thread that adopts the connection
            return d;
        };
        try {
            listener = listenOn(0, factory, 0);
            for (int i = 1; reusePort && i < loops; i++) {
                listenOn(i, factory, listener.port);
            }
        } catch (IOException e) {
            group.close();
            throw e;
        }
    }

    /** Makes a listener on loop {@code index}'s thread. */
    private Listener listenOn(int index, Function<SocketChannel, Dispatcher> factory, int port) throws IOException {
        CompletableFuture<Listener> made = new CompletableFuture<>();
        group.loop(index).execute(() -> {
            try {
                made.complete(new Listener(factory, port));
            } catch (Throwable e) {
                made.completeExceptionally(e);
            }
        });
        try {
            return made.get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IOException("cannot start the asyncore echo server", e);
        }
    }

    private final class Listener extends Dispatcher {
        private final Function<SocketChannel, Dispatcher> factory;
        private final int port;

        Listener(Function<SocketChannel, Dispatcher> factory, int bindPort) throws IOException {
            this.factory = factory;
            createSocket(AddressFamily.INET);
            setReuseAddr();
            if (reusePort) {
                ((java.nio.channels.NetworkChannel) channel()).setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            bind(new InetSocketAddress("127.0.0.1", bindPort));
            listen(4096);
            port = ((InetSocketAddress) localAddress()).getPort();
        }

        @Override
        protected void handleAccepted(SocketChannel channel, SocketAddress address) throws IOException {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            connections.incrementAndGet();
            if (reusePort) {
                factory.apply(channel); // joins this listener's loop
            } else {
                group.adopt(channel, factory);
            }
        }

        @Override
        public boolean writable() {
            return false;
        }
    }

    /** The seed's echo handler, as written. */
    private final class SendHandler extends DispatcherWithSend {
        SendHandler(SocketChannel channel) {
            super(channel);
        }

        @Override
        protected void handleRead() throws IOException {
            byte[] data = recv(8192);
            if (data.length > 0) {
                send(data);
            }
        }

        @Override
        public void handleClose() {
            close();
            connections.decrementAndGet();
        }
    }

    /** Zero-copy echo: the loop's shared direct buffer, a private one only for a backlog. */
    private final class ZeroCopyHandler extends Dispatcher {
        private final ByteBuffer shared = LOOP_BUFFER.get();
        private ByteBuffer pending;

        ZeroCopyHandler(SocketChannel channel) {
            super(channel);
        }

        @Override
        public boolean readable() {
            return pending == null;
        }

        @Override
        public boolean writable() {
            return pending != null;
        }

        @Override
        protected void handleRead() throws IOException {
            ByteBuffer buffer = shared.clear();
            if (recv(buffer) <= 0) {
                return;
            }
            buffer.flip();
            send(buffer);
            if (buffer.hasRemaining() && !isClosed()) {
                pending = ByteBuffer.allocateDirect(buffer.remaining()).put(buffer).flip();
            }
        }

        @Override
        protected void handleWrite() throws IOException {
            send(pending);
            if (!pending.hasRemaining()) {
                pending = null;
            }
        }

        @Override
        public void handleClose() {
            close();
            connections.decrementAndGet();
        }
    }

    @Override
    public int port() {
        return listener.port;
    }

    @Override
    public int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        group.close();
    }

}
