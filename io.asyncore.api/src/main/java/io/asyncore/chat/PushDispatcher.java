package io.asyncore.chat;

import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.OutputFlow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;

/**
 * The output half of {@link AsyncChat}: Python's {@code push}, {@code producer_fifo} and
 * {@code initiate_send}, with the chat's {@link OutputFlow}. Not public: its members are
 * documented, and used, as the chat's. Loop thread only.
 */
abstract class PushDispatcher extends Dispatcher {

    /** Python's {@code ac_out_buffer_size}: the most bytes one {@code send} writes. */
    protected int acOutBufferSize = AsyncChat.DEFAULT_OUT_BUFFER_SIZE;

    private final OutputQueue output = new OutputQueue(this);
    private final OutputFlow flow = new OutputFlow(this, this::handleWritabilityChanged);

    PushDispatcher(SelectableChannel channel, ChannelMap map) {
        super(channel, map);
    }

    PushDispatcher(ChannelMap map) {
        super(map);
    }

    PushDispatcher(SelectableChannel channel) {
        super(channel);
    }

    PushDispatcher() {
        super();
    }

    /**
     * Python's {@code handle_write}: {@link #initiateSend()}.
     *
     * @throws IOException from a producer
     */
    @Override
    protected void handleWrite() throws IOException {
        initiateSend();
    }

    /**
     * Python's {@code readable}, true except while the watermarks or a half-close drain
     * pause reading; overrides should answer {@code super.readable() && ...}.
     *
     * @return {@link OutputFlow#allowsReading()}
     */
    @Override
    public boolean readable() {
        return flow.allowsReading();
    }

    /**
     * The peer's end of stream: {@link #handleClose()} now, or, with output queued, once it
     * is written or the drain timeout passed, not reading meanwhile.
     */
    @Override
    protected void handleEndOfStream() {
        if (!flow.endOfStream(!output.isEmpty())) {
            handleClose();
        }
    }

    /**
     * Python's {@code writable}: while output is queued, or not yet connected.
     *
     * @return whether to wait for write readiness
     */
    @Override
    public boolean writable() {
        return !output.isEmpty() || !connected;
    }

    /**
     * Python's {@code push(data)}: queues {@code data} in slices of
     * {@link #acOutBufferSize} and writes what the socket takes now. Queues nothing on a
     * closed chat, or past the output bound (which closes it).
     *
     * @param data the bytes; copied, so the caller may reuse the array
     * @throws NullPointerException if {@code data} is null (Python's {@code TypeError})
     * @throws IOException from a producer queued earlier
     */
    public void push(byte[] data) throws IOException {
        assert isLoopThread() : "push off the loop thread: " + this;
        if (data == null) {
            throw new NullPointerException("push: data is null; push takes bytes");
        }
        pushOwned(ByteBuffer.wrap(data.clone()));
    }

    /**
     * {@link #push(byte[])} without the copy: the caller must not change the array again.
     *
     * @param data the bytes; now the chat's
     * @throws NullPointerException if {@code data} is null
     * @throws IOException from a producer queued earlier
     */
    public void pushOwned(byte[] data) throws IOException {
        assert isLoopThread() : "pushOwned off the loop thread: " + this;
        if (data == null) {
            throw new NullPointerException("pushOwned: data is null");
        }
        pushOwned(ByteBuffer.wrap(data));
    }

    /**
     * {@link #push(byte[])} without the copy: the remaining bytes are queued as they are
     * (sliced), so the caller must not touch the buffer or its contents again.
     *
     * @param data the bytes between position and limit; now the chat's
     * @throws NullPointerException if {@code data} is null
     * @throws IOException from a producer queued earlier
     */
    public void pushOwned(ByteBuffer data) throws IOException {
        assert isLoopThread() : "pushOwned off the loop thread: " + this;
        if (data == null) {
            throw new NullPointerException("pushOwned: data is null");
        }
        int sabs = acOutBufferSize;
        if (sabs <= 0) {
            throw new IllegalStateException("acOutBufferSize must be positive, got " + sabs);
        }
        if (output.add(data, sabs)) {
            initiateSend();
        }
    }

    /**
     * Python's {@code push_with_producer(producer)}: queues {@code producer} behind what is
     * queued and writes what the socket takes now.
     *
     * @param producer the producer
     * @throws NullPointerException if {@code producer} is null ({@link #closeWhenDone()}
     *     is Python's {@code push_with_producer(None)})
     * @throws IOException from a producer
     */
    public void pushWithProducer(Producer producer) throws IOException {
        assert isLoopThread() : "pushWithProducer off the loop thread: " + this;
        if (producer == null) {
            throw new NullPointerException("pushWithProducer: producer is null");
        }
        output.addProducer(producer);
        initiateSend();
    }

    /**
     * Python's {@code close_when_done()}: {@link #handleClose()} once everything queued so
     * far is written. Writes nothing now; the next write event does.
     */
    public void closeWhenDone() {
        assert isLoopThread() : "closeWhenDone off the loop thread: " + this;
        output.addClose();
    }

    /**
     * Python's {@code initiate_send()}: while connected, takes the head of the queue: an
     * empty slice is dropped (and the call ends), the close mark closes, a producer is
     * asked for more (its data goes in front of it; an exhausted one is dropped), and data
     * is sent, at most {@link #acOutBufferSize} bytes, once per call. A send error other
     * than a disconnect goes to {@link #handleError(Throwable)}.
     *
     * @throws IOException from a producer
     */
    public void initiateSend() throws IOException {
        assert isLoopThread() : "initiateSend off the loop thread: " + this;
        output.sendSome();
    }

    /**
     * Python's {@code len(producer_fifo)}: the slices, producers and close mark queued.
     *
     * @return the queue length
     */
    public int pendingOutputEntries() {
        return output.size();
    }

    /**
     * Bytes waiting in the output queue; a producer's data counts once pulled into it.
     *
     * @return the queued byte count
     */
    public final long pendingOutputBytes() {
        return flow.pendingBytes();
    }

    /**
     * This chat's output bound, watermarks and half-close drain timeout.
     *
     * @return this chat's flow
     */
    public final OutputFlow outputFlow() {
        return flow;
    }

    /**
     * {@code outputFlow().setWatermarks(low, high)}: reading pauses above {@code high}
     * queued bytes and resumes at {@code low}; {@code (0, OutputFlow.UNBOUNDED)}, the
     * default, turns them off.
     *
     * @param low reading resumes once at most this many bytes wait
     * @param high reading pauses once more than this many bytes wait
     * @throws IllegalArgumentException unless {@code 0 <= low <= high} and {@code high > 0}
     */
    public void setWatermarks(long low, long high) {
        flow.setWatermarks(low, high);
    }

    /**
     * Netty's {@code isWritable()}: whether output is below the watermarks (always while
     * they are off); a chat that reads regardless can stop producing while it is false.
     *
     * @return false from crossing the high watermark until draining to the low one
     */
    public final boolean isWritable() {
        return flow.isWritable();
    }

    /**
     * Netty's {@code channelWritabilityChanged}: output crossed a watermark; never called
     * while they are off. Does nothing by default: {@link #readable()} already follows.
     *
     * @param writable the new {@link #isWritable()}
     */
    protected void handleWritabilityChanged(boolean writable) {
        // nothing by default
    }

    /** Closes, and lets the queued output go. */
    @Override
    public void close() {
        super.close();
        flow.closed();
        output.clear();
    }

    /** Drops the whole output queue, close mark included; after the peer's half-close, closes. */
    void discardOutput() {
        output.clear();
        flow.reset();
        drainedAfterHalfClose();
    }

    /** Python's {@code connected}, for the output queue. */
    boolean connectedNow() {
        return connected;
    }

    /** The queue may have emptied: after the peer's half-close, that is the time to close. */
    void drainedAfterHalfClose() {
        if (output.isEmpty() && flow.drained()) {
            handleClose();
        }
    }
}
