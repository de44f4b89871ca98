package io.asyncore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.util.ArrayDeque;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Python's {@code dispatcher_with_send}: a {@link Dispatcher} whose {@link #send} never
 * loses data. What the socket cannot take now is queued and written, in order, as the
 * socket becomes writable, in slices of at most 64 KiB.
 *
 * <p><b>Flow control</b> ({@link #outputFlow()}; see {@link OutputFlow} for the whole
 * story). By default reading never pauses, as in Python, so a dispatcher that sends a
 * lot before reading its answers (a bulk upload through an echo) cannot stall against a
 * peer doing the same. Two things go beyond Python:
 * <ul>
 *   <li>a bound on unsent output, {@link OutputFlow#DEFAULT_MAX_OUTPUT_BYTES} (64 MiB)
 *       unless {@linkplain OutputFlow#setMaxOutputBytes set}: a send that would pass it
 *       queues nothing, reports a {@link LimitExceededException} naming
 *       {@code maxOutputBytes} to {@link #handleError(Throwable)} and closes this
 *       connection, so a peer that never reads cannot exhaust the heap;
 *   <li>opt-in watermarks ({@link #setWatermarks(long, long)}): above the high mark
 *       {@link #readable()} answers false and {@link #isWritable()} false, until the queue
 *       drains to the low mark; {@link #handleWritabilityChanged(boolean)} hears each
 *       change. For a dispatcher whose reads produce its output (an echo, a proxy), a peer
 *       that never reads then costs at most the high mark plus one read's output.
 * </ul>
 * When the peer half-closes (end of stream) while output waits, the dispatcher stops
 * reading, finishes sending and then calls {@link #handleClose()} (Python calls it at
 * once and drops the output); {@link OutputFlow#setDrainTimeout} bounds the wait.
 *
 * <p>Copies: {@link #send(byte[])} and {@link #send(ByteBuffer)} copy what the socket does
 * not take at once, so the caller may reuse its array; {@link #sendOwned(ByteBuffer)}
 * queues the caller's buffer itself.
 *
 * <p>Overriding {@link #readable()}: combine with {@code super.readable()}, or the
 * watermarks and the half-close drain lose their effect.
 */
@ConsumerType
public abstract class DispatcherWithSend extends Dispatcher {

    /** Python writes at most this many bytes per {@code send} call. */
    static final int SLICE = 65536;

    // Null only while a constructor still runs (the loop may already ask writable()).
    private final OutputFlow flow = new OutputFlow(this, this::handleWritabilityChanged);
    // Buffers waiting to be written, head first; made on first use.
    private ArrayDeque<ByteBuffer> queue;
    // The last queued buffer when it is our own copy with room to append; null otherwise.
    private ByteBuffer tail;

    /** Without a socket, in the map the {@linkplain io.asyncore package rule} chooses. */
    protected DispatcherWithSend() {
        super();
    }

    /**
     * Without a socket, in {@code map}.
     *
     * @param map the map; null to let the
     *     {@linkplain io.asyncore package rule} choose
     */
    protected DispatcherWithSend(ChannelMap map) {
        super(map);
    }

    /**
     * Around an accepted or connected channel, in the map the
     * {@linkplain io.asyncore package rule} chooses.
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
     * @param map the map; null to let the
     *     {@linkplain io.asyncore package rule} choose
     */
    protected DispatcherWithSend(SelectableChannel channel, ChannelMap map) {
        super(channel, map);
    }

    /**
     * Queues {@code data} and writes as much as the socket takes now (Python:
     * {@code self.out_buffer = self.out_buffer + data; self.initiate_send()}).
     *
     * @param data the bytes to send; what the socket does not take at once is copied
     * @return the number of bytes accepted: {@code data.length}, or 0 on a closed dispatcher
     *     (which calls {@link #handleClose()}, as Python's EBADF does) or when the output
     *     bound was exceeded (then the connection is closed)
     * @throws IOException if writing fails with an error other than a disconnect
     */
    @Override
    public int send(byte[] data) throws IOException {
        return send(ByteBuffer.wrap(data));
    }

    /**
     * Queues the buffer's remaining bytes and writes as much as the socket takes now.
     *
     * @param data the bytes to send; what the socket does not take at once is copied, and
     *     its position moves to its limit
     * @return the number of bytes accepted: all that remained, or 0 as {@link #send(byte[])}
     * @throws IOException if writing fails with an error other than a disconnect
     */
    @Override
    public int send(ByteBuffer data) throws IOException {
        return enqueue(data, false);
    }

    /**
     * Like {@link #send(ByteBuffer)}, without the copy: the buffer itself is queued, so the
     * caller must not touch it (nor the array behind it) again. Wrap an array with
     * {@link ByteBuffer#wrap(byte[])} to hand it over.
     *
     * @param data the bytes to send, between position and limit; now the dispatcher's
     * @return the number of bytes accepted, as {@link #send(byte[])}
     * @throws IOException if writing fails with an error other than a disconnect
     */
    public int sendOwned(ByteBuffer data) throws IOException {
        return enqueue(data, true);
    }

    private int enqueue(ByteBuffer data, boolean owned) throws IOException {
        if (data == null) {
            throw new NullPointerException("send: data is null");
        }
        if (isClosed()) {
            // Python's send on a closed socket fails with EBADF, a disconnect: handle_close.
            // Nothing is buffered for a socket that will never write it.
            handleClose();
            return 0;
        }
        int n = data.remaining();
        if (n == 0) {
            return 0;
        }
        if (queue == null || queue.isEmpty()) {
            // Nothing queued to go first: one slice straight from the caller's buffer.
            sendSlice(data);
            if (!data.hasRemaining() || isClosed()) {
                return n;
            }
        }
        try {
            flow.add(data.remaining());
        } catch (LimitExceededException e) {
            flow.report(e);
            return 0;
        }
        if (isClosed()) {
            return n; // handleWritabilityChanged closed it: nothing to queue for
        }
        if (queue == null) {
            queue = new ArrayDeque<>();
        }
        if (owned) {
            queue.addLast(data);
            tail = null;
        } else {
            copy(data);
        }
        return n;
    }

    /** Appends a copy of data's remaining bytes, filling our own last buffer first. */
    private void copy(ByteBuffer data) {
        ByteBuffer last = tail;
        if (last != null && last.capacity() - last.limit() >= data.remaining()) {
            int position = last.position();
            last.position(last.limit()).limit(last.capacity());
            last.put(data);
            last.limit(last.position()).position(position);
            return;
        }
        ByteBuffer fresh = ByteBuffer.allocate(Math.max(SLICE, data.remaining()));
        fresh.put(data).flip();
        queue.addLast(fresh);
        tail = fresh;
    }

    /** Writes at most one slice of {@code data}; answers the bytes written. */
    private int sendSlice(ByteBuffer data) throws IOException {
        int limit = data.limit();
        data.limit(data.position() + Math.min(SLICE, data.remaining()));
        try {
            return super.send(data);
        } finally {
            data.limit(limit);
        }
    }

    /**
     * The flow control of this dispatcher's output: its bound, watermarks and half-close
     * drain timeout, see {@link OutputFlow}.
     *
     * @return this dispatcher's flow
     */
    public final OutputFlow outputFlow() {
        return flow;
    }

    /**
     * Turns the watermarks on: {@code outputFlow().setWatermarks(low, high)}. Reading
     * pauses once more than {@code high} bytes wait and resumes once at most {@code low}
     * do; {@code setWatermarks(0, OutputFlow.UNBOUNDED)} turns them off (the default).
     *
     * @param low reading resumes once at most this many bytes wait
     * @param high reading pauses once more than this many bytes wait
     * @throws IllegalArgumentException unless {@code 0 <= low <= high} and {@code high > 0}
     */
    public void setWatermarks(long low, long high) {
        flow.setWatermarks(low, high);
    }

    /**
     * Whether the output is below the watermarks (always, while they are off): Netty's
     * {@code isWritable()}. A dispatcher that reads regardless can stop producing while
     * this is false.
     *
     * @return false from crossing the high watermark until draining to the low one
     */
    public final boolean isWritable() {
        return flow == null || flow.isWritable();
    }

    /**
     * How many bytes wait to be written: Python's {@code len(self.out_buffer)}.
     *
     * @return the queued byte count
     */
    public final long pendingOutputBytes() {
        return flow == null ? 0 : flow.pendingBytes();
    }

    /**
     * Output crossed a watermark: {@code false} when more than the high mark waits,
     * {@code true} when it drained to the low mark (Netty's
     * {@code channelWritabilityChanged}). Never called while the watermarks are off. The
     * default does nothing; {@link #readable()} already follows {@link #isWritable()}.
     *
     * @param writable the new {@link #isWritable()}
     */
    protected void handleWritabilityChanged(boolean writable) {
        // nothing by default
    }

    /**
     * Writes one slice of up to 64 KiB from the queue; once the queue empties after the
     * peer's half-close, calls {@link #handleClose()}.
     *
     * @throws IOException if writing fails with an error other than a disconnect
     */
    protected void initiateSend() throws IOException {
        assert isLoopThread() : offLoop("initiateSend");
        ByteBuffer head = queue == null ? null : queue.peekFirst();
        if (head == null || isClosed()) {
            return;
        }
        int sent = sendSlice(head);
        if (isClosed()) {
            return; // a disconnect: close() already let the queue go
        }
        flow.remove(sent);
        if (!head.hasRemaining()) {
            queue.removeFirst();
            if (head == tail) {
                tail = null;
            }
            if (queue.isEmpty() && flow.drained()) {
                handleClose();
            }
        }
    }

    /**
     * Readable unless the watermarks paused reading, or the peer ended its side and
     * output is draining. Subclasses that override this should answer
     * {@code super.readable() && ...}.
     *
     * @return {@link OutputFlow#allowsReading()}
     */
    @Override
    public boolean readable() {
        return flow == null || flow.allowsReading();
    }

    @Override
    protected void handleWrite() throws IOException {
        initiateSend();
    }

    /** Writable while not yet connected (to see the connect) or while data waits. */
    @Override
    public boolean writable() {
        return !connected || (queue != null && !queue.isEmpty());
    }

    /**
     * End of stream from the peer: with output queued, stops reading and calls
     * {@link #handleClose()} once it is written (or the drain timeout passed); otherwise
     * calls it now.
     */
    @Override
    protected void handleEndOfStream() {
        if (!flow.endOfStream(queue != null && !queue.isEmpty())) {
            handleClose();
        }
    }

    /** Closes, and lets the queued output go. */
    @Override
    public void close() {
        super.close();
        if (flow != null) { // null if a constructor failed
            flow.closed();
        }
        queue = null;
        tail = null;
    }
}
