package io.asyncore.tls;

import io.asyncore.LoopTimer;
import io.asyncore.TimerQueue;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Drives one connection's handshakes without waiting: the first one, and after it the
 * TLS 1.3 post-handshake messages (a key update to answer, a session ticket), refusing a
 * renegotiation on older protocols. The first one may have a deadline. Delegated tasks
 * run on the loop thread, or on an executor and then report back on the loop thread.
 *
 * <p>Loop thread only, except the tasks given to the executor.
 */
final class TlsHandshake {

    private final SSLEngine engine;
    private final TlsIo io;
    private final Executor executor;
    private final Supplier<TimerQueue> loop;
    private final Consumer<Throwable> tasksDone;
    private boolean tasksRunning;
    private LoopTimer deadline;

    /**
     * @param executor where delegated tasks run, null for here
     * @param loop the timers of the loop to come back to
     * @param tasksDone called on the loop thread when tasks given to the executor ended
     *     (with their failure, or null)
     */
    TlsHandshake(TlsIo io, Executor executor, Supplier<TimerQueue> loop, Consumer<Throwable> tasksDone) {
        this.engine = io.engine;
        this.io = io;
        this.executor = executor;
        this.loop = loop;
        this.tasksDone = tasksDone;
    }

    /**
     * Begins the first handshake.
     *
     * @param timeout how long it may take, or null for no bound
     * @param expired runs on the loop thread when {@code timeout} passed before {@link #ended()}
     */
    void begin(Duration timeout, Runnable expired) throws SSLException {
        engine.beginHandshake();
        if (timeout != null) {
            deadline = loop.get().schedule(timeout, expired);
        }
    }

    /** The first handshake completed, or the connection closed: its deadline is off. */
    void ended() {
        if (deadline != null) {
            deadline.cancel();
            deadline = null;
        }
    }

    /** Whether delegated tasks run on the executor now: the engine must not be used. */
    boolean tasksRunning() {
        return tasksRunning;
    }

    /**
     * Drives the first handshake as far as it goes without waiting for the socket or a task.
     *
     * @return true once it is complete
     */
    boolean drive() throws IOException {
        while (!tasksRunning) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                runTasks();
            } else if (hs == HandshakeStatus.NEED_WRAP) {
                SSLEngineResult r = io.wrap(TlsIo.EMPTY);
                if (r == null) {
                    return false; // the socket takes nothing now: the layer asks for writability
                }
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    io.flush(); // the alert that says why
                    throw new SSLHandshakeException("TLS handshake failed: the engine closed the connection");
                }
            } else if (unwrapsNext(hs)) {
                io.flush();
                if (!unwrap(hs)) {
                    break;
                }
            } else {
                io.flush();
                return true;
            }
        }
        io.flush();
        return false;
    }

    /** Whether the handshake's next step is an unwrap: it waits for the peer. */
    static boolean unwrapsNext(HandshakeStatus hs) {
        return hs == HandshakeStatus.NEED_UNWRAP || hs == HandshakeStatus.NEED_UNWRAP_AGAIN;
    }

    /** One unwrap of the handshake; false when the socket must give more first. */
    private boolean unwrap(HandshakeStatus hs) throws IOException {
        if (hs == HandshakeStatus.NEED_UNWRAP && io.needsBytes()) {
            int n = io.fill();
            if (n < 0) {
                throw new SSLHandshakeException("TLS handshake failed: the peer closed the connection");
            }
            if (n == 0) {
                return false;
            }
        }
        SSLEngineResult r = io.unwrap();
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SSLHandshakeException("TLS handshake failed: the peer closed TLS");
        }
        return true;
    }

    /**
     * After a record in either direction once the first handshake is done: TLS 1.3
     * post-handshake messages are handled; any new handshake on older protocols is a
     * renegotiation, refused.
     */
    void afterRecord(HandshakeStatus hs) throws IOException {
        if (hs == HandshakeStatus.NOT_HANDSHAKING || hs == HandshakeStatus.FINISHED) {
            return;
        }
        String protocol = engine.getSession().getProtocol();
        if (!"TLSv1.3".equals(protocol)) {
            throw new SSLHandshakeException("TLS renegotiation refused: the peer asked for a new handshake on " + protocol);
        }
        while (!tasksRunning) {
            HandshakeStatus now = engine.getHandshakeStatus();
            if (now == HandshakeStatus.NEED_TASK) {
                runTasks();
            } else if (now == HandshakeStatus.NEED_WRAP) {
                SSLEngineResult r = io.wrap(TlsIo.EMPTY);
                if (r == null || r.bytesProduced() == 0) {
                    break;
                }
            } else {
                break;
            }
        }
        io.flush();
    }

    /** The engine's delegated tasks: here, or on the executor and back on the loop. */
    private void runTasks() {
        if (executor == null) {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                task.run();
            }
            return;
        }
        TimerQueue back = loop.get();
        tasksRunning = true;
        try {
            executor.execute(() -> {
                Throwable failure = null;
                try {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                } catch (Throwable e) {
                    failure = e;
                }
                Throwable f = failure;
                back.schedule(Duration.ZERO, () -> {
                    tasksRunning = false;
                    tasksDone.accept(f);
                });
            });
        } catch (RuntimeException e) {
            tasksRunning = false;
            throw e;
        }
    }
}
