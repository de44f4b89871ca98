package io.asyncore;

import java.io.IOException;

/**
 * A peer made a dispatcher reach one of its per-connection bounds (unsent output,
 * default-collected input, and the like). It is an expected condition, not a bug: the
 * dispatcher reports it to {@link Dispatcher#handleError(Throwable)}, which logs one line
 * without a stack trace and closes that connection only; every other connection keeps
 * being served.
 *
 * <p>The message names the limit, its value and the amount that exceeded it, so the log
 * line alone tells an operator which setting to look at.
 */
public class LimitExceededException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The limit's name. */
    private final String limitName;
    /** The limit's value. */
    private final long limit;
    /** The amount that exceeded it. */
    private final long amount;

    /**
     * An exceeded limit.
     *
     * @param limitName the limit's name, such as {@code maxOutputBytes}
     * @param limit the limit's value in bytes
     * @param amount how many bytes there would have been: more than {@code limit}
     * @param what what was counted, such as {@code "bytes of unsent output"}
     */
    public LimitExceededException(String limitName, long limit, long amount, String what) {
        super(limitName + "=" + limit + " exceeded: " + amount + " " + what);
        this.limitName = limitName;
        this.limit = limit;
        this.amount = amount;
    }

    /**
     * The name of the limit that was hit.
     *
     * @return such as {@code maxOutputBytes}
     */
    public String limitName() {
        return limitName;
    }

    /**
     * The limit's value.
     *
     * @return the limit in bytes
     */
    public long limit() {
        return limit;
    }

    /**
     * The amount that exceeded the limit: more than {@link #limit()}.
     *
     * @return the byte count
     */
    public long amount() {
        return amount;
    }
}
