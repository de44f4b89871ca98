package io.asyncore.core;

import io.asyncore.AddressFamily;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.DispatcherWithSend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A loopback echo server and a client that keeps a ping bouncing, for tests that need a healthy neighbour. */
final class Echo {

    private Echo() {}

    /** Errors that reached any echo dispatcher's handleError: a healthy neighbour has none. */
    static final class Errors {
        final List<Throwable> seen = new CopyOnWriteArrayList<>();
    }

    /** Echoes what it reads. */
    static class Handler extends DispatcherWithSend {
        private final Errors errors;

        Handler(SocketChannel channel, ChannelMap map, Errors errors) {
            super(channel, map);
            this.errors = errors;
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
        }

        @Override
        public void handleError(Throwable error) {
            errors.seen.add(error);
            super.handleError(error);
        }
    }

    /** Listens on 127.0.0.1 and echoes on every connection. */
    static final class Server extends Dispatcher {
        final Errors errors = new Errors();

        Server(ChannelMap map) throws IOException {
            super(map);
            createSocket(AddressFamily.INET);
            setReuseAddr();
            bind(new InetSocketAddress("127.0.0.1", 0));
            listen(1024);
            addChannel(); // complete (the class is final): joins also when made off the loop thread
        }

        @Override
        protected void handleAccepted(SocketChannel channel, SocketAddress address) {
            // null: the map being served (this one's, also after EventLoop.register moved it)
            new Handler(channel, null, errors);
        }

        @Override
        public void handleError(Throwable error) {
            errors.seen.add(error);
            super.handleError(error);
        }
    }

    /** Sends a ping when connected and again each time the whole ping came back. */
    static final class Pinger extends DispatcherWithSend {
        private static final byte[] PING = "ping".getBytes();
        final Errors errors = new Errors();
        volatile int roundTrips;
        private int got;

        Pinger(ChannelMap map, SocketAddress server) throws IOException {
            super(map);
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
            errors.seen.add(new IllegalStateException("the pinger was closed"));
            close();
        }

        @Override
        public void handleError(Throwable error) {
            errors.seen.add(error);
            super.handleError(error);
        }
    }
}
