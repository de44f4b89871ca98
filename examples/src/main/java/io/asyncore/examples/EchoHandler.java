package io.asyncore.examples;

import io.asyncore.ChannelMap;
import io.asyncore.DispatcherWithSend;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * Python's {@code EchoHandler(asyncore.dispatcher_with_send)}: sends back whatever it
 * reads. {@link DispatcherWithSend} buffers what the socket cannot take at once, so no
 * byte is lost however fast the peer sends.
 *
 * <pre>{@code
 * class EchoHandler(asyncore.dispatcher_with_send):
 *
 *     def handle_read(self):
 *         data = self.recv(8192)
 *         if data:
 *             self.send(data)
 * }</pre>
 */
public class EchoHandler extends DispatcherWithSend {

    /**
     * Wraps an accepted connection. Made inside a listener's {@code handleAccepted}, it
     * joins the map that listener is served from.
     *
     * @param sock the accepted connection
     */
    public EchoHandler(SocketChannel sock) {
        super(sock);
    }

    /**
     * Wraps an accepted connection in {@code map}.
     *
     * @param sock the accepted connection
     * @param map the map to join; null for the map being served on this thread
     */
    public EchoHandler(SocketChannel sock, ChannelMap map) {
        super(sock, map);
    }

    @Override
    protected void handleRead() throws IOException {
        byte[] data = recv(8192);
        if (data.length > 0) {
            send(data);
        }
    }
}
