package io.asyncore.chat;

import io.asyncore.LimitExceededException;

/**
 * A peer sent more input than an {@link AsyncChat} may buffer: a message (the bytes
 * between two terminators) grew past a limit, such as
 * {@link AsyncChat#getMaxInputBytes() maxInputBytes} of the default collection. The chat
 * reports it to {@link AsyncChat#handleError(Throwable)} and closes the channel. A
 * subclass that collects by itself may throw it from {@code collectIncomingData} or
 * {@code foundTerminator} for a limit of its own (a line length, say); the loop then
 * reports it to {@code handleError} as well.
 */
public class InputLimitExceededException extends LimitExceededException {

    private static final long serialVersionUID = 1L;

    /**
     * An exceeded limit.
     *
     * @param limitName the limit's name, such as {@code maxInputBytes}
     * @param limit the limit's value
     * @param received how many bytes of the current message had arrived when it was hit
     * @param detail what the chat was waiting for, such as the terminator
     */
    public InputLimitExceededException(String limitName, long limit, long received, String detail) {
        super(limitName, limit, received, "bytes arrived since the last terminator"
                + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
    }

    /**
     * How many bytes of the current message had arrived when the limit was hit: more than
     * {@link #limit()}.
     *
     * @return the byte count
     */
    public long received() {
        return amount();
    }
}
