package io.asyncore;

import java.time.Duration;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Flow control of one dispatcher's unsent output: the byte count, its bound, the opt-in
 * watermarks with the writability signal they drive, and the drain after the peer's
 * half-close. {@link DispatcherWithSend} and {@link io.asyncore.chat.AsyncChat} each own
 * one (see their {@code outputFlow()}); a dispatcher with an output queue of its own can
 * use one too, calling {@link #add}, {@link #remove} and {@link #reset} as its queue grows
 * and drains.
 *
 * <p><b>The bound</b> ({@link #maxOutputBytes()}, 64 MiB
 * by default) caps the bytes waiting to be written, counting a producer's data once it
 * is pulled into the queue. Adding more throws a {@link LimitExceededException} naming
 * {@code maxOutputBytes}; the owning dispatchers report it to their own
 * {@code handleError} and close, so one peer that never reads costs at most the bound
 * and ends only its own connection. The default is far above what a normal program
 * queues (a 32 MiB mail, 1 MiB HTTP bodies, an 8 MiB bulk upload): it is there to stop
 * an {@code OutOfMemoryError}, not to shape traffic.
 *
 * <p><b>Watermarks</b> (off by default: reading never pauses, as in Python). After
 * {@link #setWatermarks(long, long)}, output above the high mark makes the flow
 * unwritable ({@link #isWritable()} false) until it drains to the low mark; each change
 * is reported to the listener (the dispatcher's {@code handleWritabilityChanged}), and
 * the owning dispatchers stop reading while unwritable ({@link #allowsReading()}). This
 * is Netty's {@code WriteBufferWaterMark} with {@code channelWritabilityChanged}. It
 * suits a dispatcher whose reads produce its output (an echo, a proxy, a chat relay):
 * a peer that sends but never reads then costs no more than the high mark plus one
 * read's output. It does not suit one whose output comes from elsewhere (a bulk sender
 * that reads answers): pausing its reads can stop both ends at once.
 *
 * <p><b>Half-close.</b> When the peer ends its side (end of stream) while output waits,
 * the owning dispatchers stop reading, finish sending, and only then call
 * {@code handleClose()}; if the output has not gone after {@link #drainTimeout()}
 * (30 s by default) they close anyway, with one {@code logInfo(..., "warning")} line
 * (quiet while {@code "warning"} is in the dispatcher's {@code ignoreLogTypes}, the
 * default, as in Python).
 * Python's asyncore calls {@code handle_close} at once and drops the output.
 * {@code setDrainTimeout(Duration.ZERO)} restores that.
 *
 * <p>Threading: belongs to its dispatcher's loop thread.
 */
@ProviderType
public final class OutputFlow {

    /** The default bound on unsent output per connection: 64 MiB. */
    public static final long DEFAULT_MAX_OUTPUT_BYTES = 64L << 20;
    /** A bound or watermark that is never reached. */
    public static final long UNBOUNDED = Long.MAX_VALUE;
    /**
     * A low watermark that suits an echo or relay: 64 KiB, one send slice, so the next
     * writable event can empty the queue.
     */
    public static final long SUGGESTED_LOW_WATERMARK = 64 * 1024;
    /**
     * A high watermark that suits an echo or relay: 256 KiB, four send slices, so replies
     * a few times larger than a slice never pause reading.
     */
    public static final long SUGGESTED_HIGH_WATERMARK = 256 * 1024;
    /** How long output may take to drain after the peer's half-close, by default: 30 s. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private final Dispatcher owner;
    private final Consumer<Boolean> listener;
    private long pending;
    private long maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES;
    private long low;
    private long high = UNBOUNDED;
    private boolean writable = true;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private boolean draining;
    private LoopTimer drainTimer;

    /**
     * The flow of {@code owner}'s output.
     *
     * @param owner the dispatcher whose output this counts; its map runs the drain timer
     * @param listener told {@code false} when output crosses the high watermark upwards
     *     and {@code true} when it drains to the low watermark; on the loop thread
     * @throws NullPointerException if an argument is null
     */
    public OutputFlow(Dispatcher owner, Consumer<Boolean> listener) {
        if (owner == null || listener == null) {
            throw new NullPointerException("OutputFlow: owner and listener are required");
        }
        this.owner = owner;
        this.listener = listener;
    }

    // ------------------------------------------------------------------ settings

    /**
     * Sets the bound on unsent output: see the class javadoc.
     *
     * @param bytes the bound, at least 1; {@link #UNBOUNDED} for none (Python's behaviour)
     * @throws IllegalArgumentException if {@code bytes} is less than 1
     */
    public void setMaxOutputBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("maxOutputBytes must be at least 1, got " + bytes);
        }
        maxOutputBytes = bytes;
    }

    /**
     * The bound on unsent output.
     *
     * @return bytes; {@link #DEFAULT_MAX_OUTPUT_BYTES} unless set
     */
    public long maxOutputBytes() {
        return maxOutputBytes;
    }

    /**
     * Turns the watermarks on (see the class javadoc); {@code setWatermarks(0, UNBOUNDED)}
     * turns them off again. Writability is re-judged at once against the new marks.
     *
     * @param low output counts as writable again once at most this many bytes wait
     * @param high output counts as unwritable once more than this many bytes wait
     * @throws IllegalArgumentException unless {@code 0 <= low <= high} and {@code high > 0}
     */
    public void setWatermarks(long low, long high) {
        if (low < 0 || high <= 0 || low > high) {
            throw new IllegalArgumentException("setWatermarks: need 0 <= low <= high and high > 0, got low "
                    + low + ", high " + high);
        }
        this.low = low;
        this.high = high;
        judge();
    }

    /**
     * The low watermark.
     *
     * @return bytes; 0 while the watermarks are off
     */
    public long lowWatermark() {
        return low;
    }

    /**
     * The high watermark.
     *
     * @return bytes; {@link #UNBOUNDED} while the watermarks are off
     */
    public long highWatermark() {
        return high;
    }

    /**
     * Sets how long output may take to drain after the peer's half-close.
     *
     * @param timeout the time; {@link Duration#ZERO} closes at once, dropping the output,
     *     as Python does
     * @throws IllegalArgumentException if {@code timeout} is null or negative
     */
    public void setDrainTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout must be zero or positive, got " + timeout);
        }
        drainTimeout = timeout;
    }

    /**
     * How long output may take to drain after the peer's half-close.
     *
     * @return the timeout; {@link #DEFAULT_DRAIN_TIMEOUT} unless set
     */
    public Duration drainTimeout() {
        return drainTimeout;
    }

    // ------------------------------------------------------------------ state

    /**
     * How many bytes wait to be written.
     *
     * @return the byte count
     */
    public long pendingBytes() {
        return pending;
    }

    /**
     * Whether output is below the watermarks: false from the moment more than the high
     * mark waits until at most the low mark does. Always true while the watermarks are off.
     *
     * @return whether producing more output is welcome
     */
    public boolean isWritable() {
        return writable;
    }

    /**
     * Whether the owner should read now: writable, and the peer has not ended its side
     * while output drains.
     *
     * @return the owner's {@code readable()} answer
     */
    public boolean allowsReading() {
        return writable && !draining;
    }

    /**
     * Whether the peer ended its side and the owner is finishing its output before closing.
     *
     * @return true while draining
     */
    public boolean isDraining() {
        return draining;
    }

    // ------------------------------------------------------------------ for the queue's owner

    /**
     * Counts {@code bytes} more waiting output, unless that passes the bound.
     *
     * @param bytes bytes being queued
     * @throws LimitExceededException naming {@code maxOutputBytes} if the queue would hold
     *     more than the bound; nothing was counted then
     */
    public void add(long bytes) throws LimitExceededException {
        if (bytes > maxOutputBytes - pending) {
            throw new LimitExceededException("maxOutputBytes", maxOutputBytes, pending + bytes,
                    "bytes of unsent output");
        }
        pending += bytes;
        judge();
    }

    /**
     * Counts {@code bytes} of waiting output as written.
     *
     * @param bytes bytes that left the queue
     */
    public void remove(long bytes) {
        pending = Math.max(0, pending - bytes);
        judge();
    }

    /** The queue was emptied without writing (closed, or discarded): counts nothing waiting. */
    public void reset() {
        pending = 0;
        judge();
    }

    /**
     * Reports an exceeded bound as the owning dispatchers do: to the owner's
     * {@code handleError}, then closes the owner if its handler kept it open, so the
     * bound holds whatever the handler does.
     *
     * @param exceeded the exception {@link #add} threw
     */
    public void report(LimitExceededException exceeded) {
        try {
            owner.handleError(exceeded);
        } finally {
            if (!owner.isClosed()) {
                owner.close();
            }
        }
    }

    /**
     * The peer ended its side: if output waits and the drain timeout is not zero, starts
     * draining (reading stops; the timer starts) and answers true, and the owner calls
     * {@link #drained()} once its queue is empty. Otherwise answers false and the owner
     * calls {@code handleClose()} now.
     *
     * @param outputWaits whether the owner's queue holds anything
     * @return true if the owner should finish sending before {@code handleClose()}
     */
    public boolean endOfStream(boolean outputWaits) {
        if (!outputWaits || drainTimeout.isZero()) {
            return false;
        }
        if (!draining) {
            draining = true;
            ChannelMap map = owner.owner;
            drainTimer = (map != null ? map : owner.map()).timers().schedule(drainTimeout, this::drainTimedOut);
        }
        return true;
    }

    /**
     * Whether the owner, whose queue just emptied, should now call {@code handleClose()}
     * because the peer ended its side earlier. Stops the drain timer.
     *
     * @return true once, when a drain completes
     */
    public boolean drained() {
        if (!draining) {
            return false;
        }
        stopDrain();
        return true;
    }

    /** The owner closed: stops the drain timer and counts nothing waiting. */
    public void closed() {
        stopDrain();
        reset();
    }

    private void stopDrain() {
        draining = false;
        LoopTimer t = drainTimer;
        drainTimer = null;
        if (t != null) {
            t.cancel();
        }
    }

    private void drainTimedOut() {
        drainTimer = null;
        if (!draining || owner.isClosed()) {
            return;
        }
        owner.logInfo("output did not drain within " + drainTimeout.toMillis() + " ms of the peer's half-close; dropping "
                + pending + " unsent bytes, closing " + owner, "warning");
        stopDrain();
        try {
            owner.handleClose();
        } catch (RuntimeException e) {
            Delivery.fail(owner, e);
        } finally {
            if (!owner.isClosed()) {
                owner.close();
            }
        }
    }

    private void judge() {
        boolean now = writable ? pending <= high : pending <= low;
        if (now != writable) {
            writable = now;
            listener.accept(now);
        }
    }
}
