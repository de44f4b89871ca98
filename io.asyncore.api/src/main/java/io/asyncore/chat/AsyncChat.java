package io.asyncore.chat;

import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Python's {@code asynchat.async_chat}: a {@link Dispatcher} for command/response
 * protocols such as SMTP, NNTP or a line-based chat.
 *
 * <p><b>Input.</b> {@link #handleRead()} reads up to {@link #acInBufferSize} bytes and
 * splits them at the current {@link Terminator} (a delimiter, a byte count, or none):
 * a message's bytes go to {@link #collectIncomingData(byte[])}, in one or more pieces,
 * and {@link #foundTerminator()} is called where it ends. A delimiter is not delivered,
 * and is found when split across reads: bytes that could start it are held back
 * (Python's {@code ac_in_buffer}). All messages of one read are delivered in that read,
 * and {@code foundTerminator()} may change the terminator for the rest of it: Python
 * 3.11's {@code handle_read}, edge for edge.
 *
 * <p><b>Output.</b> {@link #push(byte[])}, {@link #pushOwned(ByteBuffer)} and
 * {@link #pushWithProducer(Producer)} append to one queue (Python's
 * {@code producer_fifo}); {@link #initiateSend()} writes it in order, at most
 * {@link #acOutBufferSize} bytes per {@code send}, asking a producer for data only when
 * it reaches the head. {@link #closeWhenDone()} closes once everything queued before it
 * is written.
 *
 * <p>Differences from Python:
 * <ul>
 * <li>The default collection ({@link #bufferIncomingData(byte[])}, {@link #getData()})
 *     holds at most {@link #getMaxInputBytes()}; past it the kept bytes are dropped,
 *     {@link #handleError(Throwable)} gets an {@link InputLimitExceededException} and
 *     the channel closes. A subclass that collects by itself applies its own limit, and
 *     may answer and keep the connection (smtpd's {@code 552}).</li>
 * <li>Unsent output is bounded, and watermarks that pause reading are opt-in, as on
 *     {@link io.asyncore.DispatcherWithSend}: see {@link #outputFlow()}. A producer's
 *     data counts once it is pulled into the queue.</li>
 * <li>When the peer half-closes while output waits, the chat stops reading, finishes
 *     the queue (producers included), then calls {@link #handleClose()}; Python calls it
 *     at once and drops the output.</li>
 * <li>Reads go through one buffer per loop thread, so between reads a chat holds only
 *     a possible start of its delimiter, not 64 KiB; each piece given to
 *     {@code collectIncomingData} is a fresh array.</li>
 * <li>The terminator starts as {@link Terminator#NONE} (Python has none until
 *     {@code set_terminator}). There is no {@code use_encoding}: push bytes, and use
 *     {@link Terminator#of(String)} for text delimiters.</li>
 * </ul>
 *
 * <p>The output half is declared in a package-private superclass, so its members are
 * documented here as the chat's own.
 *
 * <p>Threading: call {@code push}, {@code setTerminator} and the rest on the loop
 * thread: from the hooks or through {@link io.asyncore.EventLoop#execute(Runnable)}.
 */
@ConsumerType
public abstract class AsyncChat extends PushDispatcher {

    /** Python's {@code ac_in_buffer_size} default: 64 KiB. */
    public static final int DEFAULT_IN_BUFFER_SIZE = 65536;

    /** Python's {@code ac_out_buffer_size} default: 64 KiB. */
    public static final int DEFAULT_OUT_BUFFER_SIZE = 65536;

    /**
     * The default {@link #getMaxInputBytes()}: 64 MiB, like the output bound; it stops
     * one peer from exhausting the heap, not from sending large messages.
     */
    public static final long DEFAULT_MAX_INPUT_BYTES = 64L << 20;

    /** Python's {@code ac_in_buffer_size}: the most bytes one {@link #handleRead()} reads. */
    protected int acInBufferSize = DEFAULT_IN_BUFFER_SIZE;

    Terminator terminator = Terminator.NONE; // the splitter counts a count terminator down
    final DefaultCollection collected = new DefaultCollection(this);
    private final InputSplitter input = new InputSplitter(this);

    /** Without a socket, in the map the {@linkplain io.asyncore package rule} chooses. */
    protected AsyncChat() {
        super();
    }

    /**
     * Without a socket, in {@code map}.
     *
     * @param map the map; null to let the {@linkplain io.asyncore package rule} choose
     */
    protected AsyncChat(ChannelMap map) {
        super(map);
    }

    /**
     * Around an accepted or connected channel, in the map the package rule chooses.
     *
     * @param channel the channel; made non-blocking
     */
    protected AsyncChat(SelectableChannel channel) {
        super(channel);
    }

    /**
     * Python's {@code async_chat(sock, map)}.
     *
     * @param channel the channel, or null for none yet
     * @param map the map; null to let the {@linkplain io.asyncore package rule} choose
     */
    protected AsyncChat(SelectableChannel channel, ChannelMap map) {
        super(channel, map);
    }

    /**
     * Receives the current message's bytes in order, in pieces never empty and never
     * holding the terminator.
     *
     * @param data the next bytes; the chat keeps no reference to the array
     * @throws IOException for subclasses; reported to {@link #handleError(Throwable)}
     */
    protected abstract void collectIncomingData(byte[] data) throws IOException;

    /**
     * The current message ended; may change the terminator for the rest of the input.
     *
     * @throws IOException for subclasses; reported to {@link #handleError(Throwable)}
     */
    protected abstract void foundTerminator() throws IOException;

    /**
     * Python's {@code _collect_incoming_data}: keeps {@code data} for {@link #getData()},
     * up to {@link #getMaxInputBytes()} (see the class javadoc for what happens past it).
     *
     * @param data the bytes to keep; kept as they are, not copied
     */
    protected final void bufferIncomingData(byte[] data) {
        collected.add(data);
    }

    /**
     * Python's {@code _get_data}: everything {@link #bufferIncomingData} kept, joined, and
     * forgets it.
     *
     * @return the bytes kept since the last call
     */
    protected final byte[] getData() {
        return collected.take();
    }

    /**
     * Python's {@code set_terminator(bytes)}: messages end at {@code delimiter}.
     *
     * @param delimiter the delimiter, of any length (copied); null for
     *     {@link Terminator#NONE}; an empty one collects everything, as in Python
     */
    public void setTerminator(byte[] delimiter) {
        terminator = Terminator.of(delimiter);
    }

    /**
     * Python's {@code set_terminator(int)}: a message ends after {@code count} bytes; 0
     * collects everything, as in Python.
     *
     * @param count how many bytes to receive
     * @throws IllegalArgumentException if {@code count} is negative (Python's {@code ValueError})
     */
    public void setTerminator(long count) {
        terminator = Terminator.count(count);
    }

    /**
     * Sets any terminator, such as one {@link #getTerminator()} returned; not an overload
     * of {@code setTerminator}, so that {@code setTerminator(null)} has one meaning.
     *
     * @param terminator the terminator; null for {@link Terminator#NONE}
     */
    public void useTerminator(Terminator terminator) {
        this.terminator = terminator == null ? Terminator.NONE : terminator;
    }

    /**
     * Python's {@code get_terminator()}; asked once per message while input is split, so
     * an override may compute it.
     *
     * @return the terminator, never null; a count shows the bytes still expected
     */
    public Terminator getTerminator() {
        return terminator;
    }

    /**
     * The most bytes the default collection ({@link #bufferIncomingData}) may hold.
     *
     * @return the bound, {@link #DEFAULT_MAX_INPUT_BYTES} unless set
     */
    public long getMaxInputBytes() {
        return collected.max();
    }

    /**
     * Sets {@link #getMaxInputBytes()} from the next bytes kept on; {@link Long#MAX_VALUE}
     * means no bound, as in Python.
     *
     * @param maxInputBytes the bound, at least 1
     * @throws IllegalArgumentException if {@code maxInputBytes} is less than 1
     */
    public void setMaxInputBytes(long maxInputBytes) {
        collected.max(maxInputBytes);
    }

    /**
     * Received bytes the chat holds: kept by {@link #bufferIncomingData} plus held back as
     * a possible start of the delimiter; at most {@link #getMaxInputBytes()} plus its length.
     *
     * @return the byte count
     */
    public long pendingInputBytes() {
        return collected.bytes() + input.held();
    }

    /**
     * Python's {@code handle_read}: reads and splits, as the class javadoc says. A read
     * error other than a disconnect goes to {@link #handleError(Throwable)}.
     *
     * @throws IOException from {@code collectIncomingData} or {@code foundTerminator}
     */
    @Override
    protected void handleRead() throws IOException {
        input.read();
    }

    /** Python's {@code handle_close}: {@link #close()}, without the default's warning. */
    @Override
    public void handleClose() {
        close();
    }

    /**
     * Python's {@code discard_buffers()}, for emergencies: drops held and kept input and
     * the whole output queue, close mark included; after the peer's half-close, closes.
     */
    public void discardBuffers() {
        assert isLoopThread() : "discardBuffers off the loop thread: " + this;
        input.clear();
        collected.clear();
        discardOutput();
    }

    /**
     * Python's {@code find_prefix_at_end(haystack, needle)}: the length of the longest
     * proper prefix of {@code needle} that {@code haystack} ends with.
     *
     * @param haystack the bytes received
     * @param needle the terminator
     * @return 0 to {@code needle.length - 1}
     */
    public static int findPrefixAtEnd(byte[] haystack, byte[] needle) {
        return InputSplitter.findPrefixAtEnd(haystack, 0, haystack.length, needle);
    }
}
