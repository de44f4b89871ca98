package io.asyncore.spi;

import java.io.IOException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One channel or readiness source watched by a {@link ReadinessBackend} for one
 * dispatcher. The core keeps it in the dispatcher, opaque to everyone else, and makes a new
 * one when the dispatcher's channel changes.
 *
 * <p>The core asks every dispatcher {@code readable()} and {@code writable()} every pass
 * but calls {@link #interest} only when an answer changed, or when the last call said the
 * registration is not settled: a pass over idle channels costs method calls, not system
 * calls.
 *
 * <p>Threading: {@link #interest} on the loop thread only; {@link #cancel()} and
 * {@link #isValid()} from any thread.
 */
@ProviderType
public interface Registration {

    /**
     * Sets what to wait for, in {@link io.asyncore.Asyncore#POLLIN} and
     * {@link io.asyncore.Asyncore#POLLOUT} terms: the dispatcher's answers to
     * {@code readable()} and {@code writable()}. The backend maps them to what its channel
     * can report (a connect in progress, an accepting listener, a listener paused for
     * lack of descriptors: see {@link io.asyncore.Dispatcher#isAcceptPaused()}). Loop
     * thread.
     *
     * @param events {@code POLLIN}, {@code POLLOUT}, both or neither
     * @return true when the registration now waits for exactly {@code events} and keeps
     *     doing so while they stay the same (so the core need not call again until they
     *     change); false when what it waits for also depends on the channel's state (a
     *     connect in progress, a listener) or the call could not take effect yet, so the
     *     core must call again next pass
     * @throws IOException if the channel cannot be watched (it was closed, say); the core
     *     hands this to the dispatcher's error handling
     */
    boolean interest(int events) throws IOException;

    /** Stops watching; the backend reports this registration no more. Idempotent; any thread. */
    void cancel();

    /**
     * {@link #cancel()}, because the channel is about to close. A backend that keeps a
     * registered channel's descriptor open until it next waits (the JDK's
     * {@code Selector} does) lets go of it now, so that closing a listener frees its port
     * when {@code close()} returns, as in Python. The core calls this for listeners, on the
     * loop thread.
     */
    default void cancelBeforeClose() {
        cancel();
    }

    /**
     * Whether the registration still watches: neither cancelled nor closed with its
     * channel or its backend. Any thread.
     *
     * @return true while valid
     */
    boolean isValid();
}
