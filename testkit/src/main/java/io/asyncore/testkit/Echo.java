package io.asyncore.testkit;

import io.asyncore.AddressFamily;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.DispatcherWithSend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * Echo peers on loopback, for tests that need a server to talk to or a healthy neighbour
 * beside the dispatcher under test: {@link Handler} echoes one connection, {@link Server}
 * listens on 127.0.0.1 and wraps each connection, {@link Pinger} keeps a ping bouncing.
 * Each records the errors that reached its {@code handleError}; a healthy one has none.
 */
public final class Echo {

    private Echo() {}

    /**
     * A connection that closes when its peer does and records the errors that reach its
     * {@code handleError} (then logs them, as the default does).
     */
    public abstract static class Peer extends DispatcherWithSend {
        private final List<Throwable> errors;

        /**
         * Wraps a connected channel.
         *
         * @param channel the connection, or null to create a socket later
         * @param map the map to join (null: as {@link Dispatcher} picks)
         * @param errors where {@code handleError} records what reached it
         */
        protected Peer(SocketChannel channel, ChannelMap map, List<Throwable> errors) {
            super(channel, map);
            this.errors = errors;
        }

        /**
         * The errors that reached {@code handleError}, in order; may be shared with a server.
         *
         * @return the live list
         */
        public List<Throwable> errors() {
            return errors;
        }

        @Override
        public void handleClose() {
            close();
        }

        @Override
        public void handleError(Throwable error) {
            errors.add(error);
            super.handleError(error);
        }
    }

    /** Echoes what it reads through the buffered send. */
    public static class Handler extends Peer {
        private final ByteBuffer in = ByteBuffer.allocate(8192);

        /**
         * Wraps a connected channel.
         *
         * @param channel the connection
         * @param map the map to join (null: as {@link Dispatcher} picks)
         */
        public Handler(SocketChannel channel, ChannelMap map) {
            this(channel, map, new CopyOnWriteArrayList<>());
        }

        /**
         * Wraps a connected channel, recording errors in a list it shares.
         *
         * @param channel the connection
         * @param map the map to join (null: as {@link Dispatcher} picks)
         * @param errors where {@code handleError} records what reached it
         */
        public Handler(SocketChannel channel, ChannelMap map, List<Throwable> errors) {
            super(channel, map, errors);
        }

        @Override
        protected void handleRead() throws IOException {
            in.clear();
            if (recv(in) > 0) {
                in.flip();
                send(in);
            }
        }
    }

    /** Listens on 127.0.0.1 (an ephemeral port) and wraps each accepted connection. */
    public static final class Server extends Dispatcher {
        /** The errors that reached this server or its echo handlers. */
        public final List<Throwable> errors = new CopyOnWriteArrayList<>();
        private final BiFunction<SocketChannel, ChannelMap, ? extends Dispatcher> factory;

        /**
         * An echo server: a {@link Handler} per connection, sharing {@link #errors}. The
         * handlers join the map being served when they are made (see {@link Dispatcher}),
         * so after {@link io.asyncore.EventLoop#register} moved this server they join its
         * loop's map.
         *
         * @param map the map to join (null: as {@link Dispatcher} picks)
         * @throws IOException if it cannot listen
         */
        public Server(ChannelMap map) throws IOException {
            super(map);
            this.factory = (c, m) -> new Handler(c, null, errors);
            listenOnLoopback(1024);
        }

        /**
         * A server that wraps each connection with {@code factory}, given the channel and
         * the map this server was made for ({@link Dispatcher#map()}).
         *
         * @param map the map to join (null: as {@link Dispatcher} picks)
         * @param factory makes the dispatcher of one connection
         * @throws IOException if it cannot listen
         */
        public Server(ChannelMap map, BiFunction<SocketChannel, ChannelMap, ? extends Dispatcher> factory)
                throws IOException {
            this(map, 128, factory);
        }

        /**
         * A server with its own listen backlog that wraps each connection with {@code factory}.
         *
         * @param map the map to join (null: as {@link Dispatcher} picks)
         * @param backlog the listen backlog
         * @param factory makes the dispatcher of one connection
         * @throws IOException if it cannot listen
         */
        public Server(ChannelMap map, int backlog, BiFunction<SocketChannel, ChannelMap, ? extends Dispatcher> factory)
                throws IOException {
            super(map);
            this.factory = factory;
            listenOnLoopback(backlog);
        }

        private void listenOnLoopback(int backlog) throws IOException {
            createSocket(AddressFamily.INET);
            setReuseAddr();
            bind(new InetSocketAddress("127.0.0.1", 0));
            listen(backlog);
            addChannel(); // complete (the class is final): joins also when made off the loop thread
        }

        /**
         * Where clients connect.
         *
         * @return the bound 127.0.0.1 address
         */
        public SocketAddress address() {
            try {
                return localAddress();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        protected void handleAccepted(SocketChannel channel, SocketAddress address) {
            factory.apply(channel, map());
        }

        @Override
        public void handleError(Throwable error) {
            errors.add(error);
            super.handleError(error);
        }
    }

    /** Sends a ping when connected and again each time the whole ping came back. */
    public static final class Pinger extends Peer {
        private static final byte[] PING = "ping".getBytes();
        /** How many pings came back. */
        public volatile int roundTrips;
        private int got;

        /**
         * Connects to an echo server. Being closed counts as an error: a healthy pinger
         * never is.
         *
         * @param map the map to join (null: as {@link Dispatcher} picks)
         * @param server the echo server's address
         * @throws IOException if the connect fails at once
         */
        public Pinger(ChannelMap map, SocketAddress server) throws IOException {
            super(null, map, new CopyOnWriteArrayList<>());
            createSocket(AddressFamily.INET);
            connect(server);
            addChannel(); // complete (the class is final): joins also when made off the loop thread
        }

        @Override
        protected void handleConnect() throws IOException {
            send(PING);
        }

        @Override
        protected void handleRead() throws IOException {
            got += recv(8192).length;
            if (got >= PING.length) {
                got -= PING.length;
                roundTrips++;
                send(PING);
            }
        }

        @Override
        public void handleClose() {
            errors().add(new IllegalStateException("the pinger was closed"));
            super.handleClose();
        }
    }
}
