package io.asyncore;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/**
 * Python's {@code _DISCONNECTED} set for Java: tells which I/O errors mean "the peer is
 * gone" ({@code ECONNRESET}, {@code ENOTCONN}, {@code ESHUTDOWN}, {@code ECONNABORTED},
 * {@code EPIPE}, {@code EBADF}) and so lead to {@code handleClose()} rather than
 * {@code handleError()}.
 *
 * <p>JDK exceptions carry no errno; this is the one place that reads their messages.
 * Exceptions whose message names the errno (as {@code io.asyncore.file} writes them)
 * are recognised too.
 */
public final class Disconnects {

    private static final String[] ERRNO_NAMES = {
        "ECONNRESET", "ENOTCONN", "ESHUTDOWN", "ECONNABORTED", "EPIPE", "EBADF",
    };

    private static final String[] JDK_MESSAGES = {
        "connection reset", "broken pipe", "not connected", "connection abort",
        "software caused connection abort", "transport endpoint shutdown", "bad file descriptor",
    };

    private Disconnects() {}

    /**
     * Whether {@code error} means the connection is gone.
     *
     * @param error an exception from a socket or file operation
     * @return true for the disconnect errors listed above
     */
    public static boolean isDisconnect(Throwable error) {
        if (error instanceof ClosedChannelException) {
            return true;
        }
        if (!(error instanceof IOException)) {
            return false;
        }
        String message = error.getMessage();
        if (message == null) {
            return false;
        }
        for (String name : ERRNO_NAMES) {
            if (message.contains(name)) {
                return true;
            }
        }
        String lower = message.toLowerCase(Locale.ROOT);
        for (String text : JDK_MESSAGES) {
            if (lower.contains(text)) {
                return true;
            }
        }
        return false;
    }
}
