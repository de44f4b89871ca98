package io.asyncore.tls;

import io.asyncore.TimerQueue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * A TLS connection's plaintext for {@code recv}: unwraps whole records straight into the
 * caller's buffer (into {@link TlsIo}'s plaintext buffer when it may be too small), with at
 * most one socket read per call, and tells the peer's {@code close_notify} from a
 * truncation when the socket ends. What it holds back the socket's readiness cannot show,
 * so it asks for another read on the next pass. Loop thread only.
 */
final class TlsReader {

    private final TlsIo io;
    private final SSLEngine engine;
    private final TlsHandshake handshake;
    private final boolean truncationIsError;
    private final Supplier<TimerQueue> loop;
    private final Runnable readAgain;
    private final Runnable kickTask = this::kicked;
    private boolean kickPending;
    private boolean truncated;

    /**
     * @param loop the timers of the loop thread
     * @param readAgain called on the next pass while something waits for {@code recv}
     */
    TlsReader(TlsIo io, TlsHandshake handshake, boolean truncationIsError, Supplier<TimerQueue> loop,
            Runnable readAgain) {
        this.io = io;
        this.engine = io.engine;
        this.handshake = handshake;
        this.truncationIsError = truncationIsError;
        this.loop = loop;
        this.readAgain = readAgain;
    }

    /**
     * Moves plaintext into {@code dst} until it is full, the socket has nothing more now,
     * the stream ended, or delegated tasks hold the engine.
     *
     * @return the bytes moved, 0 for none now, -1 at the end of the stream
     * @throws TlsTruncationException at a truncation, when that is an error
     */
    int read(ByteBuffer dst) throws IOException {
        int start = dst.position();
        boolean filled = false;
        while (dst.hasRemaining() && !handshake.tasksRunning()) {
            if (io.hasPlaintext()) {
                io.take(dst);
                continue;
            }
            if (engine.isInboundDone()) {
                break;
            }
            if (io.needsBytes()) {
                if (filled) {
                    break; // one socket read per call, as a plain recv
                }
                filled = true;
                int n = io.fill();
                if (n < 0) {
                    endOfStream();
                    break;
                }
                if (n == 0) {
                    break;
                }
                continue;
            }
            SSLEngineResult r = dst.remaining() >= engine.getSession().getApplicationBufferSize()
                    ? io.unwrapInto(dst) : io.unwrap();
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                r = io.unwrap();
            }
            handshake.afterRecord(r.getHandshakeStatus());
        }
        int n = dst.position() - start;
        if (io.hasInput() || (n > 0 && hasPending())) {
            kick(); // the rest, or the end of the stream, on the next pass
        }
        return n > 0 ? n : ended() ? -1 : 0;
    }

    /** Asks for {@code readAgain} on the next pass, once however often it is asked. */
    void kick() {
        if (!kickPending) {
            kickPending = true;
            loop.get().schedule(Duration.ZERO, kickTask);
        }
    }

    private void kicked() {
        kickPending = false;
        if (hasPending()) {
            readAgain.run();
        }
    }

    /** Whether the stream ended: the peer's {@code close_notify} came, or the socket ended. */
    boolean ended() {
        return engine.isInboundDone() || io.eof;
    }

    /**
     * Whether {@code recv} has something the socket's readiness may not show: plaintext or
     * whole records already read, or the end of the stream (a peer that sent
     * {@code close_notify} may keep TCP open, waiting for ours).
     */
    boolean hasPending() {
        return io.hasInput() || ended();
    }

    /** Whether the socket ended without the peer's {@code close_notify}. */
    boolean truncated() {
        return truncated;
    }

    private void endOfStream() throws SSLException {
        if (engine.isInboundDone()) {
            return; // after close_notify: a clean end
        }
        truncated = true;
        try {
            engine.closeInbound();
        } catch (SSLException e) {
            // the JDK's "possible truncation attack": reported as configured, below
        }
        if (truncationIsError) {
            throw new TlsTruncationException("TLS connection truncated: the peer closed TCP without close_notify");
        }
    }
}
