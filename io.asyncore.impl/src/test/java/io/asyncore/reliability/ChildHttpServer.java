package io.asyncore.reliability;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.LimitExceededException;
import io.asyncore.chat.AsyncChat;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An HTTP/1.1-style server on {@link AsyncChat} for the tests that need a small heap of
 * its own: every request (headers up to a blank line) is answered with a 1 MiB body,
 * pushed with a copy as a naive server would. Prints {@code PORT <n>} once listening,
 * {@code LIMIT <name> <limit> <amount>} for every connection ended by a bound, and
 * {@code PEAK <bytes>} (the most output one connection queued) with each LIMIT line;
 * exits when its stdin closes.
 */
public final class ChildHttpServer {

    static final int BODY = 1 << 20;

    private ChildHttpServer() {}

    /** One connection: answers each request with the body. */
    static final class Http extends AsyncChat {
        private static long peak;
        private final byte[] body;

        Http(SocketChannel channel, ChannelMap map, byte[] body) {
            super(channel, map);
            this.body = body;
            setTerminator("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        protected void collectIncomingData(byte[] data) {
            // the request line and headers are not needed: every request gets the body
        }

        @Override
        protected void foundTerminator() throws IOException {
            push(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            push(body);
            peak = Math.max(peak, pendingOutputBytes());
        }

        @Override
        public void handleError(Throwable error) {
            if (error instanceof LimitExceededException limit) {
                System.out.println("LIMIT " + limit.limitName() + " " + limit.limit() + " " + limit.amount());
                System.out.println("PEAK " + peak);
                System.out.flush();
            }
            super.handleError(error);
        }

        @Override
        public void handleClose() {
            close();
        }
    }

    /**
     * Runs the server.
     *
     * @param args none
     * @throws Exception if the server cannot start
     */
    public static void main(String[] args) throws Exception {
        ChannelMap map = new ChannelMap("child-http");
        byte[] body = new byte[BODY];
        java.util.Arrays.fill(body, (byte) 'b');
        Dispatcher server = new Dispatcher(map) {
            @Override
            protected void handleAccepted(SocketChannel channel, SocketAddress address) {
                new Http(channel, map(), body);
            }
        };
        server.createSocket(AddressFamily.INET);
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        server.listen(16);
        ChildServer.exitWhenStdinEnds();
        System.out.println("PORT " + ((InetSocketAddress) server.localAddress()).getPort());
        System.out.flush();
        try {
            Asyncore.loop(Duration.ofSeconds(30), false, map);
        } catch (Throwable t) {
            System.out.println("LOOP ENDED " + t);
            System.out.flush();
            throw t;
        }
    }
}
