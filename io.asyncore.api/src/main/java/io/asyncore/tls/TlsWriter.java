package io.asyncore.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;

/**
 * A TLS connection's plaintext from {@code send}: wraps it into records and writes them,
 * taking only what the socket takes now, so that nothing waits in the layer beyond the
 * ciphertext of one record. Loop thread only.
 */
final class TlsWriter {

    private final TlsIo io;
    private final SSLEngine engine;
    private final TlsHandshake handshake;

    TlsWriter(TlsIo io, TlsHandshake handshake) {
        this.io = io;
        this.engine = io.engine;
        this.handshake = handshake;
    }

    /**
     * Wraps and writes from {@code src} until it is empty, the socket takes nothing more,
     * or delegated tasks hold the engine.
     *
     * @return the bytes taken from {@code src}; 0 while ciphertext from before still waits
     * @throws ClosedChannelException once {@code close_notify} went out
     */
    int write(ByteBuffer src) throws IOException {
        if (engine.isOutboundDone()) {
            throw new ClosedChannelException();
        }
        if (handshake.tasksRunning() || !io.flush()) {
            return 0;
        }
        int start = src.position();
        while (src.hasRemaining() && !handshake.tasksRunning()) {
            SSLEngineResult r = io.wrap(src);
            if (r == null) {
                break;
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                if (src.position() == start) {
                    throw new ClosedChannelException();
                }
                break;
            }
            handshake.afterRecord(r.getHandshakeStatus());
            if (!io.flush()) {
                break;
            }
        }
        return src.position() - start;
    }
}
