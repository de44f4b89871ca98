package io.asyncore.impl.osgi;

import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One {@link Dispatcher} service seen by the whiteboard: what should become of it (the
 * wish, written by the tracker and configuration threads) and what has (the state,
 * written only by {@link Adoption} on the thread of the loop that holds it, its home).
 *
 * <p>The wish and the home are guarded by this object's monitor and carry a version, so
 * that a loop acts on the newest wish and a task queued for an older one does no harm.
 * Readers on other threads see the state through a volatile field.
 */
final class Registration {

    /** What the whiteboard did with the service; see {@link Adoption} for the transitions. */
    enum State {
        /** Seen; adoption is queued on the thread of the loop that matches it. */
        PENDING,
        /** In the loop's map, served by the loop thread. */
        ADOPTED,
        /** Not in any loop; {@link #reason()} says why. */
        UNADOPTED,
        /** Taken out of its loop because the whiteboard stopped; the dispatcher stays open. */
        DETACHED,
        /** Closed with what it spawned because its service went away; its loop frees the socket at its next pass. */
        CLOSING,
        /** Closed, and its socket released by the loop that held it. */
        CLOSED
    }

    /**
     * What should become of the registration, as of one version.
     *
     * @param target the loop that should adopt it, or null
     * @param mismatch why no loop should, when {@code target} is null
     * @param gone whether its service went away
     * @param keep whether, gone, it is to be detached and left open (the whiteboard stops)
     * @param version the wish's version
     */
    record Wish(EventLoop target, String mismatch, boolean gone, boolean keep, long version) {}

    private final long serviceId;
    private final String owner;
    private final Dispatcher dispatcher;
    private final Function<String, Object> properties;
    private volatile State state;
    private volatile String reason;

    // guarded by this
    private EventLoop target;
    private String mismatch;
    private boolean gone;
    private boolean keep;
    private long version;
    private long settledVersion;
    /** The loop whose thread holds the dispatcher, or null before any loop took it. */
    private EventLoop home;
    /** Whether {@link Adoption#settle} runs for this registration now (on its home's thread). */
    private boolean busy;
    /** Completed when the newest wish is settled; a new one once a wish comes after that. */
    private CompletableFuture<Void> settled = new CompletableFuture<>();

    /**
     * A registration in state {@link State#PENDING}, or {@link State#UNADOPTED} without a
     * dispatcher.
     *
     * @param serviceId the service's id
     * @param owner the registering bundle as {@code symbolic-name [id]}
     * @param dispatcher the service object, or null when the framework gave none
     * @param properties the service's current properties
     */
    Registration(long serviceId, String owner, Dispatcher dispatcher, Function<String, Object> properties) {
        this.serviceId = serviceId;
        this.owner = owner;
        this.dispatcher = dispatcher;
        this.properties = properties;
        if (dispatcher == null) {
            this.state = State.UNADOPTED;
            this.reason = "the framework returned no service object";
        } else {
            this.state = State.PENDING;
        }
    }

    /** The service object, or null when the framework gave none. */
    Dispatcher dispatcher() {
        return dispatcher;
    }

    /** A service property as it is now. */
    Object property(String key) {
        return properties.apply(key);
    }

    State state() {
        return state;
    }

    /** Why the dispatcher is not adopted, or null. */
    String reason() {
        return reason;
    }

    long serviceId() {
        return serviceId;
    }

    /** The registering bundle as {@code symbolic-name [id]}. */
    String owner() {
        return owner;
    }

    // ------------------------------------------------------------------ loop thread only (Adoption)

    void state(State next) {
        state = next;
        if (next != State.UNADOPTED) {
            reason = null;
        }
    }

    void unadopted(String why) {
        reason = why;
        state = State.UNADOPTED;
    }

    // ------------------------------------------------------------------ the wish, any thread

    /**
     * Wishes the registration on {@code loop}, or on none for {@code why}; nothing changes
     * once its service is gone.
     *
     * @return what completes when the loops have settled it, or null when nothing changed
     */
    synchronized CompletableFuture<Void> wish(EventLoop loop, String why) {
        if (gone) {
            return null;
        }
        target = loop;
        mismatch = why;
        return changed();
    }

    /**
     * Wishes the registration closed (or only detached, with {@code keepOpen}): its service
     * went away.
     *
     * @return what completes when it is closed and its socket released, or detached
     */
    synchronized CompletableFuture<Void> wishGone(boolean keepOpen) {
        gone = true;
        keep = keepOpen;
        return changed();
    }

    private CompletableFuture<Void> changed() {
        version++;
        if (settled.isDone()) {
            settled = new CompletableFuture<>();
        }
        return settled;
    }

    /** The loop that should adopt it, or null. */
    synchronized EventLoop target() {
        return target;
    }

    synchronized boolean isGone() {
        return gone;
    }

    /** The loop whose thread holds the dispatcher, or null. */
    synchronized EventLoop home() {
        return home;
    }

    /** The loop to settle the newest wish on: the home, else the target; null for any running loop. */
    synchronized EventLoop runner() {
        return home != null ? home : target;
    }

    /**
     * {@code ended} rejected work: it has ended, closing what its map held and releasing its
     * selector, so it is no longer this registration's home or target.
     */
    synchronized void ended(EventLoop ended) {
        if (home == ended) {
            home = null;
        }
        if (target == ended) {
            target = null;
            mismatch = "loop " + ended.name() + " is closed";
        }
        version++;
    }

    /** No loop runs to settle the newest wish: whoever waits stops waiting. */
    synchronized void unsettled() {
        settled.complete(null);
    }

    // ------------------------------------------------------------------ Adoption's bookkeeping

    /**
     * Loop thread of {@code here}: takes the registration, unless another loop holds it or
     * a settle of it runs already (that one acts on the newest wish before it ends).
     *
     * @return the newest wish, or null when {@code here} is not to act
     */
    synchronized Wish claim(EventLoop here) {
        if (busy || (home != null && home != here)) {
            return null;
        }
        home = here;
        busy = true;
        return wish();
    }

    /**
     * Loop thread of the home, after acting on the wish of version {@code done}.
     *
     * @return a newer wish to act on, or null once released (then {@link #needsSettling()} tells
     *     whether another loop has to act)
     */
    synchronized Wish next(EventLoop here, long done) {
        if (home == here && version != done) {
            return wish();
        }
        busy = false;
        if (version == done) {
            settledVersion = done;
            if (!gone) {
                settled.complete(null); // a gone registration completes once its socket is released
            }
        }
        return null;
    }

    /** Loop thread of the home: gives the registration to {@code next}, whose thread settles it from now on. */
    synchronized void handOver(EventLoop next) {
        home = next;
        busy = false;
    }

    /** Whether a wish came that no loop has acted on and none is acting on now. */
    synchronized boolean needsSettling() {
        return !busy && settledVersion != version;
    }

    /** Loop thread: the service is gone and its socket released, or it is detached: waiters go on. */
    synchronized void finished() {
        settled.complete(null);
    }

    private Wish wish() {
        return new Wish(target, mismatch, gone, keep, version);
    }

    @Override
    public String toString() {
        return "dispatcher service " + serviceId + " of bundle " + owner;
    }
}
