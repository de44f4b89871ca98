package io.asyncore.tls;

import javax.net.ssl.SSLException;

/**
 * The peer closed the TCP connection without TLS's {@code close_notify}: the data may
 * have been cut short by an attacker. Reaches {@code handleError} only with
 * {@link TlsConfig.Builder#truncationIsError(boolean)}.
 */
public class TlsTruncationException extends SSLException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message naming the connection.
     *
     * @param message the message
     */
    public TlsTruncationException(String message) {
        super(message);
    }
}
