package io.asyncore.examples;

import io.asyncore.ChannelMap;
import io.asyncore.DispatcherWithSend;
import io.asyncore.OutputFlow;
import io.asyncore.TimeoutKind;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;

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
 *
 * <p>Two settings beyond Python's example, both for peers that misbehave:
 * <ul>
 *   <li>watermarks ({@link OutputFlow#SUGGESTED_LOW_WATERMARK},
 *       {@link OutputFlow#SUGGESTED_HIGH_WATERMARK}): an echo's reads produce its output,
 *       so it stops reading from a peer that does not take its echo, and such a peer
 *       costs at most the high mark plus one read (8 KiB);
 *   <li>an idle timeout ({@link #IDLE_TIMEOUT}): a peer that neither sends nor takes
 *       anything for that long is closed, so silent connections do not pile up.
 * </ul>
 */
public class EchoHandler extends DispatcherWithSend {

    /** How long a peer may neither send nor take anything before it is closed: 5 minutes. */
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

    /**
     * Wraps an accepted connection. Made inside a listener's {@code handleAccepted}, it
     * joins the map that listener is served from.
     *
     * @param sock the accepted connection
     */
    public EchoHandler(SocketChannel sock) {
        this(sock, null);
    }

    /**
     * Wraps an accepted connection in {@code map}.
     *
     * @param sock the accepted connection
     * @param map the map to join; null to let the
     *     map rule of {@link io.asyncore.Dispatcher} choose
     */
    public EchoHandler(SocketChannel sock, ChannelMap map) {
        super(sock, map);
        setWatermarks(OutputFlow.SUGGESTED_LOW_WATERMARK, OutputFlow.SUGGESTED_HIGH_WATERMARK);
        timeouts().setIdle(TimeoutKind.ALL_IDLE, IDLE_TIMEOUT);
    }

    @Override
    protected void handleRead() throws IOException {
        byte[] data = recv(8192);
        if (data.length > 0) {
            send(data);
        }
    }
}
