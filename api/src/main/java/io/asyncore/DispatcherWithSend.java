package io.asyncore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Python's {@code dispatcher_with_send}: a {@link Dispatcher} whose {@link #send} never
 * loses data. What the socket cannot take now is buffered and written, in order, as the
 * socket becomes writable, in slices of at most 64 KiB.
 *
 * <p>Backpressure (not in Python): the buffer has a high and a low watermark. Once more
 * than {@link #highWatermark()} bytes wait, {@link #readable()} answers false, so the
 * loop stops reading from this peer, until the buffer drains to {@link #lowWatermark()}
 * or less. A peer that sends requests but never reads the answers therefore cannot grow
 * this buffer much beyond the high watermark: the buffer holds at most the high mark
 * plus what one read handler sends. Defaults: {@value #DEFAULT_LOW_WATERMARK} bytes low
 * (one 64 KiB slice: the next writable event can empty the buffer) and
 * {@value #DEFAULT_HIGH_WATERMARK} bytes high (four slices: replies a few times larger
 * than a slice never pause reading). {@code setWatermarks(0, UNBOUNDED)} restores
 * Python's unbounded buffer.
 *
 * <p>Overriding {@link #readable()}: combine with {@code super.readable()} (or test
 * {@link #aboveHighWatermark()}), or the bound is lost. A peer that stops reading while
 * reading is paused is seen only when a write fails; pair this with a
 * {@link TimeoutKind#WRITE_IDLE} timeout to drop it. A dispatcher that itself sends more
 * than the high mark before reading its answers (a bulk upload over an echo, say) must
 * raise its watermarks, or both sides can end up waiting for each other.
 */
@ConsumerType
public abstract class DispatcherWithSend extends Dispatcher {

    /** Python writes at most this many bytes per {@code send} call. */
    static final int SLICE = 65536;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** The default low watermark: 64 KiB, one send slice. */
    public static final int DEFAULT_LOW_WATERMARK = 64 * 1024;
    /** The default high watermark: 256 KiB, four send slices. */
    public static final int DEFAULT_HIGH_WATERMARK = 256 * 1024;
    /** A high watermark that is never reached: Python's unbounded buffer. */
    public static final int UNBOUNDED = Integer.MAX_VALUE;

    private ByteBuffer outBuffer = EMPTY;
    private int lowWatermark = DEFAULT_LOW_WATERMARK;
    private int highWatermark = DEFAULT_HIGH_WATERMARK;
    private boolean aboveHigh;

    /** Without a socket, in the default map. */
    protected DispatcherWithSend() {
        super();
    }

    /**
     * Without a socket, in {@code map}.
     *
     * @param map the map, null for the default map
     */
    protected DispatcherWithSend(ChannelMap map) {
        super(map);
    }

    /**
     * Around an accepted or connected channel, in the default map.
     *
     * @param channel the channel
     */
    protected DispatcherWithSend(SelectableChannel channel) {
        super(channel);
    }

    /**
     * Around a channel, in {@code map}.
     *
     * @param channel the channel
     * @param map the map, null for the default map
     */
    protected DispatcherWithSend(SelectableChannel channel, ChannelMap map) {
        super(channel, map);
    }

    /**
     * Queues {@code data} and writes as much as the socket takes now (Python:
     * {@code self.out_buffer = self.out_buffer + data; self.initiate_send()}).
     *
     * @param data the bytes to send; copied
     * @return the number of bytes accepted: {@code data.length}, or 0 on a closed dispatcher
     *     (which calls {@link #handleClose()}, as Python's EBADF does)
     * @throws IOException if writing fails with an error other than a disconnect
     */
    @Override
    public int send(byte[] data) throws IOException {
        return send(ByteBuffer.wrap(data));
    }

    /**
     * Queues the buffer's remaining bytes and writes as much as the socket takes now.
     *
     * @param data the bytes to send; copied, its position moves to its limit
     * @return the number of bytes accepted: all that remained, or 0 on a closed dispatcher
     * @throws IOException if writing fails with an error other than a disconnect
     */
    @Override
    public int send(ByteBuffer data) throws IOException {
        if (isClosed()) {
            // Python's send on a closed socket fails with EBADF, a disconnect: handle_close.
            // Nothing is buffered for a socket that will never write it.
            handleClose();
            return 0;
        }
        int n = data.remaining();
        append(data);
        initiateSend();
        if (outBuffer.remaining() > highWatermark) {
            aboveHigh = true;
        }
        return n;
    }

    /**
     * Sets the watermarks that bound the output buffer; see the class javadoc.
     *
     * @param low reading resumes once at most this many bytes wait
     * @param high reading pauses once more than this many bytes wait; {@link #UNBOUNDED}
     *     never pauses (Python's behaviour)
     * @throws IllegalArgumentException unless {@code 0 <= low <= high} and {@code high > 0}
     */
    public void setWatermarks(int low, int high) {
        if (low < 0 || high <= 0 || low > high) {
            throw new IllegalArgumentException("setWatermarks: need 0 <= low <= high and high > 0, got low "
                    + low + ", high " + high);
        }
        lowWatermark = low;
        highWatermark = high;
        int pending = outBuffer.remaining();
        aboveHigh = pending > high || (aboveHigh && pending > low);
    }

    /**
     * The low watermark.
     *
     * @return bytes
     */
    public int lowWatermark() {
        return lowWatermark;
    }

    /**
     * The high watermark.
     *
     * @return bytes
     */
    public int highWatermark() {
        return highWatermark;
    }

    /**
     * Whether reading is paused because the output buffer went above the high watermark
     * and has not yet drained to the low one.
     *
     * @return true while paused
     */
    public final boolean aboveHighWatermark() {
        return aboveHigh;
    }

    /**
     * How many bytes wait to be written: Python's {@code len(self.out_buffer)}.
     *
     * @return the buffered byte count
     */
    public int pendingBytes() {
        return outBuffer.remaining();
    }

    /**
     * Writes one slice of up to 64 KiB from the buffer.
     *
     * @throws IOException if writing fails with an error other than a disconnect
     */
    protected void initiateSend() throws IOException {
        if (!outBuffer.hasRemaining() || isClosed()) {
            return;
        }
        int limit = outBuffer.limit();
        outBuffer.limit(outBuffer.position() + Math.min(SLICE, outBuffer.remaining()));
        try {
            super.send(outBuffer);
        } finally {
            outBuffer.limit(limit);
        }
        if (!outBuffer.hasRemaining()) {
            // Drained: start again at the front, and give back memory a burst grew.
            outBuffer = outBuffer.capacity() > SLICE ? EMPTY : outBuffer.clear().limit(0);
        }
        if (aboveHigh && outBuffer.remaining() <= lowWatermark) {
            aboveHigh = false;
        }
    }

    /**
     * Readable unless the output buffer is above the high watermark (see the class
     * javadoc). Subclasses that override this should answer
     * {@code super.readable() && ...} to keep the bound.
     *
     * @return false while {@link #aboveHighWatermark()}
     */
    @Override
    public boolean readable() {
        return !aboveHigh;
    }

    @Override
    protected void handleWrite() throws IOException {
        initiateSend();
    }

    /** Writable while not yet connected (to see the connect) or while data waits. */
    @Override
    public boolean writable() {
        return !connected || outBuffer.hasRemaining();
    }

    private void append(ByteBuffer data) {
        int pending = outBuffer.remaining();
        int adding = data.remaining();
        if (adding == 0) {
            return;
        }
        if (outBuffer.capacity() - outBuffer.limit() >= adding) {
            int position = outBuffer.position();
            outBuffer.position(outBuffer.limit()).limit(outBuffer.capacity());
            outBuffer.put(data);
            outBuffer.limit(outBuffer.position()).position(position);
        } else if (outBuffer.capacity() >= pending + adding) {
            outBuffer.compact().put(data).flip();
        } else {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(pending + adding, outBuffer.capacity() * 2));
            bigger.put(outBuffer).put(data).flip();
            outBuffer = bigger;
        }
    }
}
