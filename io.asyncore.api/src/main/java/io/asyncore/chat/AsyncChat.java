package io.asyncore.chat;

import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.LimitExceededException;
import io.asyncore.OutputFlow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Python's {@code asynchat.async_chat}: a {@link Dispatcher} for chat-style
 * (command/response) protocols such as SMTP, NNTP or a line-based chat.
 *
 * <p><b>Input.</b> {@link #handleRead()} reads up to {@link #acInBufferSize} bytes and
 * splits them at the current {@link Terminator}: the bytes of a message go to
 * {@link #collectIncomingData(byte[])} (possibly in several pieces), and
 * {@link #foundTerminator()} is called where the message ends. The terminator may be
 * <ul>
 *   <li>a delimiter of any length ({@link #setTerminator(byte[])}): the delimiter itself
 *       is not delivered; a delimiter split across reads is found, because bytes that
 *       could start it are held back until the next read;
 *   <li>a byte count ({@link #setTerminator(long)}): it counts down as bytes arrive, and
 *       reads 0 after it fired (then everything is collected until a new terminator is
 *       set, as in Python);
 *   <li>none ({@link Terminator#NONE}, {@code setTerminator(null)}): everything is
 *       collected until the peer closes.
 * </ul>
 * Several messages in one read are all delivered in that read, and
 * {@code foundTerminator()} may change the terminator: the rest of the read is split at
 * the new one. This is Python 3.11's {@code handle_read}, edge for edge.
 *
 * <p><b>Bounded input</b> (beyond Python). Every received byte reaches
 * {@code collectIncomingData}; the chat itself holds at most the bytes that may start its
 * delimiter plus one read. What can grow is the default collection
 * ({@link #bufferIncomingData(byte[])} and {@link #getData()}, Python's
 * {@code _collect_incoming_data} and {@code _get_data}): it may hold at most
 * {@link #getMaxInputBytes()} bytes, {@link #DEFAULT_MAX_INPUT_BYTES} (64 MiB) unless
 * {@link #setMaxInputBytes(long) set}. Past that the kept bytes are dropped,
 * {@link #handleError(Throwable)} gets an {@link InputLimitExceededException} naming
 * {@code maxInputBytes} and the amount, and the channel is closed. A subclass that
 * collects by itself applies its own limit: it can count and answer as smtpd does
 * ({@code 552} at the end of an oversized DATA) and keep the connection.
 *
 * <p><b>Memory.</b> Reads go through one buffer per loop thread, lent to one
 * {@code handleRead} at a time, so between reads a chat holds only the bytes that may
 * start its delimiter (Python's {@code ac_in_buffer}), not a 64 KiB buffer per
 * connection. Each piece given to {@code collectIncomingData} is a fresh array.
 *
 * <p><b>Output.</b> {@link #push(byte[])}, {@link #pushOwned(ByteBuffer)} and
 * {@link #pushWithProducer(Producer)} append to one queue (Python's
 * {@code producer_fifo}); {@link #initiateSend()} writes it in order, asking a producer
 * for data only when it reaches the head of the queue, and writing at most
 * {@link #acOutBufferSize} bytes per {@code send}. {@link #closeWhenDone()} closes the
 * channel once everything queued before it is written. {@code push} copies its argument;
 * {@code pushOwned} and producers' arrays are queued as they are.
 *
 * <p><b>Flow control</b> ({@link #outputFlow()}, as on
 * {@link io.asyncore.DispatcherWithSend}; see {@link OutputFlow}). Unsent output is
 * bounded, {@link OutputFlow#DEFAULT_MAX_OUTPUT_BYTES} (64 MiB) by default, counting a
 * producer's data once it is pulled into the queue: a push past the bound queues nothing,
 * reports a {@link LimitExceededException} naming {@code maxOutputBytes} to
 * {@link #handleError(Throwable)}, and closes this channel only. Watermarks are opt-in
 * ({@link #setWatermarks(long, long)}): above the high mark reading pauses and
 * {@link #isWritable()} is false until the queue drains to the low mark, and
 * {@link #handleWritabilityChanged(boolean)} hears both crossings. When the peer
 * half-closes while output waits, the chat stops reading, finishes the queue (producers
 * included) and then calls {@link #handleClose()}; Python calls it at once and drops the
 * output.
 *
 * <p>Differences from Python, besides the input bound: the terminator starts as
 * {@link Terminator#NONE} (Python has no terminator attribute until
 * {@code set_terminator}, and reading before it fails); {@code use_encoding} and
 * {@code encoding} (text terminators and data) are not carried over: push bytes, and use
 * {@link Terminator#of(String)} for text delimiters.
 *
 * <p>Threading: a chat belongs to its loop thread; call {@code push},
 * {@code setTerminator} and the rest from its hooks or through
 * {@link io.asyncore.EventLoop#execute(Runnable)}.
 */
@ConsumerType
public abstract class AsyncChat extends Dispatcher {

    /** Python's {@code ac_in_buffer_size} default: 64 KiB. */
    public static final int DEFAULT_IN_BUFFER_SIZE = 65536;

    /** Python's {@code ac_out_buffer_size} default: 64 KiB. */
    public static final int DEFAULT_OUT_BUFFER_SIZE = 65536;

    /**
     * The default bound on the default collection ({@link #bufferIncomingData(byte[])}):
     * 64 MiB, the same as the output bound. Far above a normal message (a 32 MiB mail, a
     * few MiB of HTTP body), so legitimate peers do not meet it; it stops one peer from
     * exhausting the heap, not from sending large messages.
     */
    public static final long DEFAULT_MAX_INPUT_BYTES = 64L << 20;

    /** Python's {@code ac_in_buffer_size}: the most bytes one {@link #handleRead()} reads. */
    protected int acInBufferSize = DEFAULT_IN_BUFFER_SIZE;

    /** Python's {@code ac_out_buffer_size}: the most bytes one {@code send} writes. */
    protected int acOutBufferSize = DEFAULT_OUT_BUFFER_SIZE;

    Terminator terminator = Terminator.NONE; // the splitter counts a count terminator down
    private long maxInputBytes = DEFAULT_MAX_INPUT_BYTES;

    private final InputSplitter input = new InputSplitter(this);

    // Python's incoming list, for bufferIncomingData / getData, and its byte count.
    private final List<byte[]> incoming = new ArrayList<>();
    private long incomingBytes;
    // Set when bufferIncomingData passed the bound; reported after collectIncomingData.
    private InputLimitExceededException overflow;

    private final OutputQueue output = new OutputQueue(this);
    private final OutputFlow flow = new OutputFlow(this, this::handleWritabilityChanged);

    /** Without a socket, in the map the {@linkplain io.asyncore package rule} chooses. */
    protected AsyncChat() {
        super();
    }

    /**
     * Without a socket, in {@code map}.
     *
     * @param map the map; null to let the
     *     {@linkplain io.asyncore package rule} choose
     */
    protected AsyncChat(ChannelMap map) {
        super(map);
    }

    /**
     * Around an accepted or connected channel, in the map the
     * {@linkplain io.asyncore package rule} chooses.
     *
     * @param channel the channel; made non-blocking
     */
    protected AsyncChat(SelectableChannel channel) {
        super(channel);
    }

    /**
     * Python's {@code async_chat(sock, map)}: around a channel, in {@code map}.
     *
     * @param channel the channel, or null for none yet
     * @param map the map; null to let the
     *     {@linkplain io.asyncore package rule} choose
     */
    protected AsyncChat(SelectableChannel channel, ChannelMap map) {
        super(channel, map);
    }

    // ------------------------------------------------------------------ for subclasses

    /**
     * Receives the bytes of the current message, in one or more pieces, in order. The
     * terminator is never part of them, and pieces are never empty.
     *
     * @param data the next bytes; the chat keeps no reference to the array
     * @throws IOException for subclasses; reported to {@link #handleError(Throwable)}
     */
    protected abstract void collectIncomingData(byte[] data) throws IOException;

    /**
     * The current message ended: its terminator arrived, or its byte count was reached.
     * May change the terminator; the rest of the input is split at the new one.
     *
     * @throws IOException for subclasses; reported to {@link #handleError(Throwable)}
     */
    protected abstract void foundTerminator() throws IOException;

    /**
     * Python's {@code _collect_incoming_data}: keeps {@code data} in the chat's own list,
     * for subclasses whose {@link #collectIncomingData(byte[])} just calls this and whose
     * {@link #foundTerminator()} calls {@link #getData()}. The list may hold at most
     * {@link #getMaxInputBytes()} bytes: past that, everything kept is dropped, and as
     * {@code collectIncomingData} returns the chat reports an
     * {@link InputLimitExceededException} to {@link #handleError(Throwable)} and closes.
     *
     * @param data the bytes to keep; kept as they are, not copied
     */
    protected final void bufferIncomingData(byte[] data) {
        if (data.length > maxInputBytes - incomingBytes) {
            overflow = new InputLimitExceededException("maxInputBytes", maxInputBytes, incomingBytes + data.length,
                    "terminator " + getTerminator());
            incoming.clear();
            incomingBytes = 0;
            return;
        }
        incoming.add(data);
        incomingBytes += data.length;
    }

    /**
     * Python's {@code _get_data}: everything {@link #bufferIncomingData(byte[])} kept,
     * joined, and forgets it.
     *
     * @return the bytes kept since the last call
     */
    protected final byte[] getData() {
        incomingBytes = 0;
        if (incoming.size() == 1) {
            byte[] only = incoming.get(0);
            incoming.clear();
            return only;
        }
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] piece : incoming) {
            joined.write(piece, 0, piece.length);
        }
        incoming.clear();
        return joined.toByteArray();
    }

    /** Python's {@code connected}, for the output queue in this package. */
    boolean connectedNow() {
        return connected;
    }

    /** The bound passed by {@link #bufferIncomingData}, once, for the splitter to report. */
    InputLimitExceededException takeOverflow() {
        InputLimitExceededException exceeded = overflow;
        overflow = null;
        return exceeded;
    }

    // ------------------------------------------------------------------ terminator

    /**
     * Python's {@code set_terminator(bytes)}: messages end at {@code delimiter}, which may
     * have any length.
     *
     * @param delimiter the delimiter (copied); null ({@code setTerminator(null)}) for
     *     {@link Terminator#NONE}, collect until the peer closes, and an empty one
     *     collects everything, as in Python
     */
    public void setTerminator(byte[] delimiter) {
        terminator = Terminator.of(delimiter);
    }

    /**
     * Python's {@code set_terminator(int)}: the message ends after {@code count} bytes.
     * 0 collects everything, as in Python.
     *
     * @param count how many bytes to receive
     * @throws IllegalArgumentException if {@code count} is negative (Python's
     *     {@code ValueError})
     */
    public void setTerminator(long count) {
        terminator = Terminator.count(count);
    }

    /**
     * Sets any kind of terminator, such as one {@link #getTerminator()} returned earlier
     * or {@link Terminator#of(String)}. (Not an overload of {@code setTerminator}, so that
     * Python's {@code set_terminator(None)}, {@code setTerminator(null)}, has one meaning.)
     *
     * @param terminator the terminator; null for {@link Terminator#NONE}
     */
    public void useTerminator(Terminator terminator) {
        this.terminator = terminator == null ? Terminator.NONE : terminator;
    }

    /**
     * Python's {@code get_terminator()}. Asked once per message while input is split, so a
     * subclass may override it to compute the terminator.
     *
     * @return the current terminator, never null; a count terminator shows the bytes
     *     still expected
     */
    public Terminator getTerminator() {
        return terminator;
    }

    // ------------------------------------------------------------------ input bound

    /**
     * The most bytes the default collection ({@link #bufferIncomingData(byte[])}) may
     * hold: see the class javadoc.
     *
     * @return the bound, {@link #DEFAULT_MAX_INPUT_BYTES} unless set
     */
    public long getMaxInputBytes() {
        return maxInputBytes;
    }

    /**
     * Sets the most bytes the default collection may hold; {@link Long#MAX_VALUE} means no
     * bound (Python's behaviour). Takes effect with the next bytes kept.
     *
     * @param maxInputBytes the bound, at least 1
     * @throws IllegalArgumentException if {@code maxInputBytes} is less than 1
     */
    public void setMaxInputBytes(long maxInputBytes) {
        if (maxInputBytes < 1) {
            throw new IllegalArgumentException("maxInputBytes must be at least 1, got " + maxInputBytes);
        }
        this.maxInputBytes = maxInputBytes;
    }

    /**
     * How many received bytes the chat holds: those kept by
     * {@link #bufferIncomingData(byte[])} since the last {@link #getData()}, plus those held
     * back as a possible start of the delimiter. Bounded by {@link #getMaxInputBytes()}
     * plus the delimiter's length.
     *
     * @return the byte count
     */
    public long pendingInputBytes() {
        return incomingBytes + input.held();
    }

    // ------------------------------------------------------------------ events

    /**
     * Python's {@code handle_read}: reads up to {@link #acInBufferSize} bytes and splits
     * the input at the terminator, calling {@link #collectIncomingData(byte[])} and
     * {@link #foundTerminator()}. Nothing to read is not an error; a read error other
     * than a disconnect goes to {@link #handleError(Throwable)}.
     *
     * @throws IOException from {@code collectIncomingData} or {@code foundTerminator}
     */
    @Override
    protected void handleRead() throws IOException {
        input.read();
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

    /** Python's {@code handle_close}: {@link #close()}, without the warning of the default. */
    @Override
    public void handleClose() {
        close();
    }

    /**
     * Python's {@code readable}, true, except while the watermarks pause reading or while
     * output drains after the peer's half-close. Subclasses that override this should
     * answer {@code super.readable() && ...}.
     *
     * @return {@link OutputFlow#allowsReading()}
     */
    @Override
    public boolean readable() {
        return flow.allowsReading();
    }

    /**
     * End of stream from the peer: with output queued, stops reading and calls
     * {@link #handleClose()} once the queue is written (or the drain timeout passed);
     * otherwise calls it now.
     */
    @Override
    protected void handleEndOfStream() {
        if (!flow.endOfStream(!output.isEmpty())) {
            handleClose();
        }
    }

    /**
     * Python's {@code writable}: while output is queued, or not yet connected (to see the
     * connect complete).
     *
     * @return whether to wait for write readiness
     */
    @Override
    public boolean writable() {
        return !output.isEmpty() || !connected;
    }

    // ------------------------------------------------------------------ output

    /**
     * Python's {@code push(data)}: queues {@code data} (in slices of
     * {@link #acOutBufferSize}) and writes as much as the socket takes now. Past the
     * output bound it queues nothing and closes (see the class javadoc); on a closed chat
     * it queues nothing.
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
     * {@link #push(byte[])} without the copy: the array itself is queued, so the caller
     * must not change it again.
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
     * {@link #push(byte[])} without the copy: the buffer's remaining bytes are queued as
     * they are (sliced, not copied), so the caller must not touch the buffer or its
     * contents again.
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
     * Python's {@code push_with_producer(producer)}: queues {@code producer} behind
     * everything queued so far and writes as much as the socket takes now.
     *
     * @param producer the producer
     * @throws NullPointerException if {@code producer} is null (use {@link #closeWhenDone()}
     *     for Python's {@code push_with_producer(None)})
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
     * Python's {@code close_when_done()}: closes the channel (through
     * {@link #handleClose()}) once everything queued so far is written. Writes nothing
     * now; the next write event does.
     */
    public void closeWhenDone() {
        assert isLoopThread() : "closeWhenDone off the loop thread: " + this;
        output.addClose();
    }

    /**
     * Python's {@code initiate_send()}: while connected, takes the head of the queue:
     * an empty slice is dropped (and the call ends), the close mark closes, a producer is
     * asked for more (its data goes in front of it; an exhausted producer is dropped),
     * and data is sent, at most {@link #acOutBufferSize} bytes, once per call. A send
     * error other than a disconnect goes to {@link #handleError(Throwable)}.
     *
     * @throws IOException from a producer
     */
    public void initiateSend() throws IOException {
        assert isLoopThread() : "initiateSend off the loop thread: " + this;
        output.sendSome();
    }

    /** The queue may have emptied: after the peer's half-close, that is the time to close. */
    void drainedAfterHalfClose() {
        if (output.isEmpty() && flow.drained()) {
            handleClose();
        }
    }

    /**
     * How many entries wait in the output queue (slices, producers and the close mark):
     * Python's {@code len(producer_fifo)}.
     *
     * @return the queue length
     */
    public int pendingOutputEntries() {
        return output.size();
    }

    /**
     * How many bytes wait in the output queue, counting a producer's data once it was
     * pulled into the queue (producers not yet asked count nothing).
     *
     * @return the queued byte count
     */
    public final long pendingOutputBytes() {
        return flow.pendingBytes();
    }

    /**
     * The flow control of this chat's output: its bound, watermarks and half-close drain
     * timeout, see {@link OutputFlow}.
     *
     * @return this chat's flow
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
     * {@code isWritable()}. A chat that reads regardless can stop producing while this
     * is false.
     *
     * @return false from crossing the high watermark until draining to the low one
     */
    public final boolean isWritable() {
        return flow.isWritable();
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
     * Python's {@code discard_buffers()}, for emergencies: drops buffered input,
     * {@link #bufferIncomingData kept} data, and the whole output queue, close mark
     * included. If the peer had half-closed and the chat was finishing its output, it
     * calls {@link #handleClose()} now.
     */
    public void discardBuffers() {
        assert isLoopThread() : "discardBuffers off the loop thread: " + this;
        input.clear();
        incoming.clear();
        incomingBytes = 0;
        output.clear();
        flow.reset();
        drainedAfterHalfClose(); // after the peer's half-close nothing is left to wait for
    }

    /** Closes, and lets the queued output go. */
    @Override
    public void close() {
        super.close();
        flow.closed();
        output.clear();
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Python's {@code find_prefix_at_end(haystack, needle)}: the length of the longest
     * proper prefix of {@code needle} that {@code haystack} ends with (assuming
     * {@code needle} itself was not found).
     *
     * @param haystack the bytes received
     * @param needle the terminator
     * @return 0 to {@code needle.length - 1}
     */
    public static int findPrefixAtEnd(byte[] haystack, byte[] needle) {
        return InputSplitter.findPrefixAtEnd(haystack, 0, haystack.length, needle);
    }
}
