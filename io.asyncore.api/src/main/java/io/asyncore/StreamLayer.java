package io.asyncore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A transformation of a stream dispatcher's bytes that sits under its
 * {@link Dispatcher#recv recv} and {@link Dispatcher#send send}, such as TLS
 * ({@code io.asyncore.tls.TlsLayer}). Installed with {@link Dispatcher#setStreamLayer};
 * the dispatcher's hooks then see only what the layer hands up, and
 * {@link Dispatcher#readable()} and {@link Dispatcher#writable()} keep their meaning:
 * the layer adds the socket interest it needs for itself (a handshake, say) and decides
 * whether a socket event reaches the dispatcher's {@code handleRead}/{@code handleWrite}.
 *
 * <p>Threading: every method is called on the loop thread.
 */
@ConsumerType
public abstract class StreamLayer {

    Dispatcher dispatcher;

    /** For subclasses. */
    protected StreamLayer() {}

    /**
     * The dispatcher this layer is installed in.
     *
     * @return the dispatcher, or null before {@link Dispatcher#setStreamLayer}
     */
    protected final Dispatcher dispatcher() {
        return dispatcher;
    }

    /**
     * The map that serves the dispatcher now (it may have moved with
     * {@link EventLoop#register}), else the one it was made for: where a layer schedules
     * work that must run on the loop thread ({@code loopMap().timers()}).
     *
     * @return the map
     */
    protected final ChannelMap loopMap() {
        Dispatcher d = dispatcher;
        ChannelMap m = d.owner;
        return m != null ? m : d.map();
    }

    /**
     * Routes a failure of the layer's own work (a timer, a step run outside the
     * dispatcher's hooks) to the dispatcher as a failed hook's would go: a disconnect to
     * {@code handleClose()}, anything else to {@code handleError}. Loop thread.
     *
     * @param error what failed
     * @throws ExitNow if {@code error} is one (so is a {@link VirtualMachineError})
     */
    protected final void fail(Throwable error) {
        Delivery.fail(dispatcher, error);
    }

    /**
     * Reads for {@link Dispatcher#recv}: what the layer has for the dispatcher.
     *
     * @param dst where to put the bytes
     * @return bytes put, 0 for nothing now, -1 at the end of the stream
     * @throws IOException as a socket read would
     */
    protected abstract int read(ByteBuffer dst) throws IOException;

    /**
     * Writes for {@link Dispatcher#send}.
     *
     * @param src the bytes; the position advances by what was taken
     * @return bytes taken, 0 when nothing can be taken now
     * @throws IOException as a socket write would
     */
    protected abstract int write(ByteBuffer src) throws IOException;

    /**
     * Asked every pass with the dispatcher's {@code readable()} answer.
     *
     * @param readable what the dispatcher answered
     * @return whether to wait for read readiness of the socket
     */
    protected abstract boolean wantsRead(boolean readable);

    /**
     * Asked every pass with the dispatcher's {@code writable()} answer.
     *
     * @param writable what the dispatcher answered
     * @return whether to wait for write readiness of the socket
     */
    protected abstract boolean wantsWrite(boolean writable);

    /**
     * The connected socket is readable (or the layer asked to be called).
     *
     * @return whether the dispatcher's {@code handleRead} runs now
     * @throws IOException from the layer's own reading
     */
    protected abstract boolean readEvent() throws IOException;

    /**
     * The connected socket is writable.
     *
     * @return whether the dispatcher's {@code handleWrite} runs now
     * @throws IOException from the layer's own writing
     */
    protected abstract boolean writeEvent() throws IOException;

    /**
     * The dispatcher closes: it has left its map, and would close {@code channel} now.
     *
     * @param channel the dispatcher's open channel
     * @param map the map the dispatcher was in, or null
     * @return true if the layer takes the channel over and closes it itself later (after
     *     a closing exchange with the peer, say); false to let the dispatcher close it now
     */
    protected abstract boolean closeLater(SelectableChannel channel, ChannelMap map);
}
