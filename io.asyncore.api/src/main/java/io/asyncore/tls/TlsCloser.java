package io.asyncore.tls;

import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.LoopTimer;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import javax.net.ssl.SSLEngineResult;

/**
 * A closed TLS connection's last exchange: writes the ciphertext still waiting (the end
 * of what {@code send} took, and {@code close_notify}) and reads until the peer's
 * {@code close_notify} or end of stream, then closes the socket; never longer than its
 * bound. The user's dispatcher is already closed: this one sits in the same map so that
 * {@code Asyncore.loop} runs until it is done, and {@code Asyncore.closeAll} closes it.
 */
final class TlsCloser extends Dispatcher {

    /**
     * Sends {@code close_notify} with the ciphertext still waiting and, while the peer may
     * still answer or bytes wait, lingers in {@code map} at most {@code bound}.
     *
     * @param map the map to linger in; null to close now (the connection was not open)
     * @return true when a closer took {@code channel} over; false to close it now
     */
    static boolean closeNotify(TlsIo io, SelectableChannel channel, ChannelMap map, Duration bound) {
        try {
            io.engine.closeOutbound();
            while (!io.engine.isOutboundDone()) {
                SSLEngineResult r = io.wrap(TlsIo.EMPTY);
                if (r == null || r.bytesProduced() == 0) {
                    break;
                }
            }
            io.flush();
        } catch (IOException | RuntimeException e) {
            return false; // the peer is gone or the engine broken: nothing to wait for
        }
        boolean awaitPeer = !io.engine.isInboundDone() && !io.eof;
        if (map == null || bound.isZero() || !(awaitPeer || io.hasOutput())) {
            return false;
        }
        io.discardPlaintext();
        new TlsCloser(io, channel, map, bound);
        return true;
    }

    private final TlsIo io;
    private final LoopTimer deadline;

    private TlsCloser(TlsIo io, SelectableChannel channel, ChannelMap map, Duration bound) {
        super(map);
        this.io = io;
        connected = true;
        setSocket(channel, map);
        deadline = map.timers().schedule(bound, this::close);
        addChannel(); // complete (the class is final): joins also when closed off the loop thread
    }

    @Override
    public boolean readable() {
        return !io.engine.isInboundDone() && !io.eof;
    }

    @Override
    public boolean writable() {
        return io.hasOutput();
    }

    @Override
    protected void handleRead() throws IOException {
        while (readable()) {
            if (io.needsBytes() && io.fill() <= 0) {
                break;
            }
            SSLEngineResult r = io.unwrap(); // what comes after our close has no reader: dropped
            io.discardPlaintext();
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && io.fill() <= 0) {
                break;
            }
        }
        finishIfDone();
    }

    @Override
    protected void handleWrite() throws IOException {
        io.flush();
        finishIfDone();
    }

    private void finishIfDone() {
        if (!readable() && !writable()) {
            close();
        }
    }

    /** The peer left: nothing more to wait for. */
    @Override
    public void handleClose() {
        close();
    }

    /** A failed goodbye (a reset, an alert) closes quietly: the connection was over anyway. */
    @Override
    public void handleError(Throwable error) {
        log("TLS close of " + this + " ended early: " + error);
        close();
    }

    @Override
    public void close() {
        deadline.cancel();
        super.close();
    }
}
