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
 * that hands accepted connections to the group's loops round robin.
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

    /**
     * Starts the group and the listener.
     *
     * @param style the connection handler
     * @param loops how many loops
     * @throws IOException if the listening socket cannot be opened
     */
    public AsyncoreEchoServer(Style style, int loops) throws IOException {
        this(style, loops, null);
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
        group = EventLoopGroup.start("asyncore-echo", loops);
        Function<SocketChannel, Dispatcher> plain = style == Style.SEND ? SendHandler::new : ZeroCopyHandler::new;
        TlsConfig config = tls == null ? null : TlsConfig.builder(tls).build();
        Function<SocketChannel, Dispatcher> factory = config == null ? plain : channel -> {
            Dispatcher d = plain.apply(channel);
            TlsLayer.server(d, config); // on the loop thread that adopts the connection
            return d;
        };
        CompletableFuture<Listener> made = new CompletableFuture<>();
        group.loop(0).execute(() -> {
            try {
                made.complete(new Listener(factory));
            } catch (Throwable e) {
                made.completeExceptionally(e);
            }
        });
        try {
            listener = made.get();
        } catch (InterruptedException | ExecutionException e) {
            group.close();
            throw new IOException("cannot start the asyncore echo server", e);
        }
    }

    private final class Listener extends Dispatcher {
        private final Function<SocketChannel, Dispatcher> factory;
        private final int port;

        Listener(Function<SocketChannel, Dispatcher> factory) throws IOException {
            this.factory = factory;
            createSocket(AddressFamily.INET);
            setReuseAddr();
            bind(new InetSocketAddress("127.0.0.1", 0));
            listen(4096);
            port = ((InetSocketAddress) localAddress()).getPort();
        }

        @Override
        protected void handleAccepted(SocketChannel channel, SocketAddress address) throws IOException {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            connections.incrementAndGet();
            group.adopt(channel, factory);
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
