package io.asyncore.tls;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.DispatcherWithSend;
import io.asyncore.StreamLayer;
import io.asyncore.TimerQueue;
import io.asyncore.chat.AsyncChat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The machinery of {@link TlsLayer}: its phases (waiting for the connect, draining the
 * plaintext queued before STARTTLS, handshaking, open, closed), the socket interest each
 * needs, and the hand-off of {@code recv}, {@code send} and close to {@link TlsReader},
 * {@link TlsWriter}, {@link TlsHandshake} and {@link TlsCloser}. Not public:
 * {@link TlsLayer}, its one subclass, is the type users see. Loop thread only.
 */
abstract sealed class TlsPhases extends StreamLayer permits TlsLayer {

    enum Phase { WAITING, DRAINING, HANDSHAKING, OPEN, CLOSED }

    final TlsConfig config;
    final SSLEngine engine;
    Phase phase = Phase.WAITING;
    boolean handshakeDone;
    TlsReader reader; // made with the rest when the handshake starts: the socket is connected then
    private TlsIo io;
    private TlsHandshake handshake;
    private TlsWriter writer;
    private boolean userRead;
    private boolean userWrite;

    TlsPhases(TlsConfig config, SSLEngine engine) {
        this.config = config;
        this.engine = engine;
    }

    @Override
    protected boolean wantsRead(boolean readable) {
        userRead = readable;
        startUnchecked();
        if (phase == Phase.OPEN && readable && reader.hasPending()) {
            reader.kick(); // bytes already here: the socket may never say readable again
        }
        return switch (phase) {
            case WAITING -> readable; // not connected yet: the connect completes as without TLS
            case HANDSHAKING -> !busy() && TlsHandshake.unwrapsNext(engine.getHandshakeStatus());
            case OPEN -> readable && !busy();
            case DRAINING, CLOSED -> false;
        };
    }

    @Override
    protected boolean wantsWrite(boolean writable) {
        userWrite = writable;
        startUnchecked();
        return switch (phase) {
            case WAITING, DRAINING -> writable;
            case HANDSHAKING -> io.hasOutput() || (!busy() && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP);
            case OPEN -> io.hasOutput() || (writable && !busy());
            case CLOSED -> false;
        };
    }

    @Override
    protected boolean readEvent() throws IOException {
        start();
        if (phase == Phase.HANDSHAKING && !busy()) {
            handshake();
            // The handshake took the bytes the socket had; more, if any, come by themselves.
            return phase == Phase.OPEN && userRead && io.hasInput();
        }
        return phase == Phase.OPEN && userRead;
    }

    @Override
    protected boolean writeEvent() throws IOException {
        start();
        if (phase == Phase.HANDSHAKING && io.flush() && !busy()) {
            handshake();
            return false;
        }
        return switch (phase) {
            case DRAINING -> userWrite;
            case OPEN -> io.flush() && userWrite && !busy();
            case WAITING, HANDSHAKING, CLOSED -> false;
        };
    }

    @Override
    protected int read(ByteBuffer dst) throws IOException {
        if (phase != Phase.OPEN) {
            if (phase == Phase.CLOSED) {
                throw new ClosedChannelException();
            }
            return 0;
        }
        return reader.read(dst);
    }

    @Override
    protected int write(ByteBuffer src) throws IOException {
        return switch (phase) {
            case WAITING, HANDSHAKING -> 0;
            case DRAINING -> ((ByteChannel) dispatcher().channel()).write(src); // plaintext before STARTTLS
            case OPEN -> writer.write(src);
            case CLOSED -> throw new ClosedChannelException();
        };
    }

    @Override
    protected boolean closeLater(SelectableChannel channel, ChannelMap map) {
        Phase was = phase;
        phase = Phase.CLOSED;
        if (handshake != null) {
            handshake.ended();
        }
        if (io == null || busy()) {
            return false; // never started, or a delegated task still holds the engine: just close
        }
        return TlsCloser.closeNotify(io, channel, was == Phase.OPEN ? map : null, config.closeTimeout());
    }

    // ------------------------------------------------------------------ the handshake

    private void startUnchecked() {
        try {
            start();
        } catch (SSLException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Begins the handshake once connected (what a client queued while connecting waits for
     * it), or, for STARTTLS, once the plaintext queued before the upgrade is out.
     */
    final void start() throws SSLException {
        if ((phase == Phase.WAITING && dispatcher().isConnected()) || (phase == Phase.DRAINING && !plaintextQueued())) {
            io = new TlsIo(engine, (ByteChannel) dispatcher().channel());
            Supplier<TimerQueue> loop = () -> loopMap().timers();
            handshake = new TlsHandshake(io, config.taskExecutor(), loop, this::tasksDone);
            reader = new TlsReader(io, handshake, config.truncationIsError(), loop, this::readAgain);
            writer = new TlsWriter(io, handshake);
            phase = Phase.HANDSHAKING;
            handshake.begin(config.handshakeTimeout(), this::handshakeExpired);
        }
    }

    private boolean plaintextQueued() {
        Dispatcher d = dispatcher();
        return (d instanceof DispatcherWithSend w && w.pendingOutputBytes() > 0)
                || (d instanceof AsyncChat c && c.pendingOutputEntries() > 0);
    }

    /** Drives the first handshake; completes it when the engine is done. */
    private void handshake() throws IOException {
        if (handshake.drive()) {
            handshakeCompleted();
        }
    }

    /** Whether delegated tasks are out: the engine must not be used until they are back. */
    private boolean busy() {
        return handshake != null && handshake.tasksRunning();
    }

    private void handshakeCompleted() throws IOException {
        phase = Phase.OPEN;
        handshakeDone = true;
        handshake.ended();
        if (dispatcher() instanceof HandshakeListener listener) {
            listener.handleHandshake((TlsLayer) this);
        }
        if (io.hasInput()) {
            reader.kick(); // application data came with the last handshake flight
        }
    }

    /** On the loop thread, once the delegated tasks ran: the handshake goes on. */
    private void tasksDone(Throwable failure) {
        if (phase == Phase.CLOSED || dispatcher().isClosed()) {
            return;
        }
        try {
            if (failure != null) {
                throw new SSLException("TLS delegated task failed: " + failure, failure);
            }
            if (phase == Phase.HANDSHAKING) {
                handshake();
            } else {
                handshake.afterRecord(engine.getHandshakeStatus());
                if (io.hasInput()) {
                    reader.kick();
                }
            }
        } catch (Throwable e) {
            fail(e);
        }
    }

    private void handshakeExpired() {
        if (phase == Phase.HANDSHAKING && !dispatcher().isClosed()) {
            fail(new SSLHandshakeException("TLS handshake timed out after "
                    + config.handshakeTimeout().toMillis() + " ms"));
        }
    }

    /** The reader holds what {@code recv} would return: {@code handleRead}, if the dispatcher reads. */
    private void readAgain() {
        Dispatcher d = dispatcher();
        if (phase != Phase.OPEN || d.isClosed()) {
            return;
        }
        boolean readable;
        try {
            readable = d.readable();
        } catch (Throwable e) {
            fail(e);
            return;
        }
        if (readable) { // else the pass that finds it readable again kicks
            userRead = true;
            Asyncore.read(d);
        }
    }
}
