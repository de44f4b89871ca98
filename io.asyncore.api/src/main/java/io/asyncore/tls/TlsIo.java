package io.asyncore.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * One connection's {@link SSLEngine}, its socket and the three buffers between them:
 * ciphertext in, ciphertext out, and plaintext unwrapped but not yet taken. Every buffer
 * stays in read mode (its bytes between position and limit) between calls.
 *
 * <p>Loop thread only (the closing exchange too: see {@link TlsCloser}).
 */
final class TlsIo {

    static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    final SSLEngine engine;
    final ByteChannel channel;
    private ByteBuffer netIn;
    private ByteBuffer netOut;
    private ByteBuffer appIn = EMPTY;
    /** netIn holds only part of a record: the socket must give more before an unwrap. */
    private boolean underflow;
    /** The socket reached its end of stream. */
    boolean eof;

    TlsIo(SSLEngine engine, ByteChannel channel) {
        this.engine = engine;
        this.channel = channel;
        int packet = engine.getSession().getPacketBufferSize();
        netIn = ByteBuffer.allocate(packet).flip();
        netOut = ByteBuffer.allocate(packet).flip();
    }

    /** Whether an unwrap needs more bytes from the socket first. */
    boolean needsBytes() {
        return underflow || !netIn.hasRemaining();
    }

    /** Whether bytes wait that need no socket readiness: plaintext, or whole records. */
    boolean hasInput() {
        return appIn.hasRemaining() || (netIn.hasRemaining() && !underflow);
    }

    /** Whether ciphertext waits for the socket to take it. */
    boolean hasOutput() {
        return netOut.hasRemaining();
    }

    /**
     * Reads what the socket has now into the ciphertext buffer.
     *
     * @return bytes read, 0 for none, -1 at the end of the stream
     */
    int fill() throws IOException {
        if (!netIn.hasRemaining()) {
            netIn.clear().flip();
        }
        if (netIn.position() == 0 && netIn.limit() == netIn.capacity()) {
            // a record longer than the buffer: make room for the largest the engine allows
            netIn = grow(netIn, engine.getSession().getPacketBufferSize());
        }
        netIn.compact();
        int n;
        try {
            n = channel.read(netIn);
        } finally {
            netIn.flip();
        }
        if (n > 0) {
            underflow = false;
        } else if (n < 0) {
            eof = true;
        }
        return n;
    }

    /**
     * Writes waiting ciphertext to the socket.
     *
     * @return true when nothing waits any more
     */
    boolean flush() throws IOException {
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Wraps {@code src} into the ciphertext buffer, flushing or growing it when it is full.
     *
     * @return the engine's result, or null when the buffer is full and the socket takes
     *     nothing now
     */
    SSLEngineResult wrap(ByteBuffer src) throws IOException {
        while (true) {
            netOut.compact();
            SSLEngineResult r;
            try {
                r = engine.wrap(src, netOut);
            } finally {
                netOut.flip();
            }
            if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                return r;
            }
            if (netOut.hasRemaining()) {
                if (!flush()) {
                    return null;
                }
            } else {
                netOut = grow(netOut, engine.getSession().getPacketBufferSize());
            }
        }
    }

    /**
     * Unwraps one record straight into {@code dst}.
     *
     * @return the result; {@code BUFFER_OVERFLOW} when the record does not fit there
     */
    SSLEngineResult unwrapInto(ByteBuffer dst) throws SSLException {
        SSLEngineResult r = engine.unwrap(netIn, dst);
        noteUnderflow(r);
        return r;
    }

    /** Unwraps one record into the plaintext buffer, growing it as needed. */
    SSLEngineResult unwrap() throws SSLException {
        while (true) {
            appIn.compact();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                appIn.flip();
            }
            if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                noteUnderflow(r);
                return r;
            }
            appIn = grow(appIn, appIn.remaining() + engine.getSession().getApplicationBufferSize());
        }
    }

    /** Moves plaintext already unwrapped into {@code dst}; returns how much. */
    int take(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), appIn.remaining());
        if (n > 0) {
            int limit = appIn.limit();
            appIn.limit(appIn.position() + n);
            dst.put(appIn);
            appIn.limit(limit);
        }
        return n;
    }

    /** Whether plaintext waits in the buffer. */
    boolean hasPlaintext() {
        return appIn.hasRemaining();
    }

    /** Drops the plaintext waiting (a closing connection has no reader for it). */
    void discardPlaintext() {
        appIn.position(appIn.limit());
    }

    private void noteUnderflow(SSLEngineResult r) {
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
            underflow = true;
            if (netIn.capacity() < engine.getSession().getPacketBufferSize()) {
                netIn = grow(netIn, engine.getSession().getPacketBufferSize());
            }
        }
    }

    /** A buffer of at least {@code capacity} holding {@code old}'s bytes, in read mode. */
    private static ByteBuffer grow(ByteBuffer old, int capacity) {
        if (old.capacity() >= capacity && old.position() > 0) {
            return old.compact().flip();
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(capacity, old.capacity() * 2));
        bigger.put(old).flip();
        return bigger;
    }
}
