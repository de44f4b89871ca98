package io.asyncore.reliability;

import io.asyncore.AddressFamily;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.DispatcherWithSend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.function.BiFunction;

/** Small servers and helpers shared by the reliability tests. */
final class Net {

    private Net() {}

    /** An echo handler: what it reads, it sends back through the buffered send. */
    static class Echo extends DispatcherWithSend {
        private final ByteBuffer in = ByteBuffer.allocate(8192);

        Echo(SocketChannel c, ChannelMap m) {
            super(c, m);
        }

        @Override
        protected void handleRead() throws IOException {
            in.clear();
            int n = recv(in);
            if (n > 0) {
                in.flip();
                send(in);
            }
        }

        @Override
        public void handleClose() {
            close();
        }
    }

    /** A listener on 127.0.0.1 that wraps each connection with {@code factory}. */
    static final class Server extends Dispatcher {
        private final BiFunction<SocketChannel, ChannelMap, Dispatcher> factory;

        Server(ChannelMap m, BiFunction<SocketChannel, ChannelMap, Dispatcher> factory) throws IOException {
            this(m, 128, factory);
        }

        Server(ChannelMap m, int backlog, BiFunction<SocketChannel, ChannelMap, Dispatcher> factory) throws IOException {
            super(m);
            this.factory = factory;
            createSocket(AddressFamily.INET);
            setReuseAddr();
            bind(new InetSocketAddress("127.0.0.1", 0));
            listen(backlog);
        }

        @Override
        protected void handleAccepted(SocketChannel c, SocketAddress a) {
            factory.apply(c, map());
        }

        @Override
        public void handleClose() {
            close();
        }

        SocketAddress local() {
            try {
                return localAddress();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
