package io.asyncore.impl.osgi;

import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import io.asyncore.impl.osgi.Registration.State;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

/**
 * The adoption state machine of a {@link Registration}: every transition runs on the
 * thread of the loop that holds the dispatcher (the registration's home), so no hook of
 * the dispatcher and no change to a map ever runs on a tracker or configuration thread.
 *
 * <p>Transitions, each on the home loop's thread:
 * <ul>
 * <li>PENDING or UNADOPTED to ADOPTED: the loop its target names is its home; it joins
 *     that loop's map.
 * <li>PENDING to UNADOPTED: no loop matches, or the dispatcher cannot be adopted (no
 *     socket, closed already, refused by the map); reported once.
 * <li>ADOPTED to DETACHED, then PENDING (handed to the loop that matches now) or
 *     UNADOPTED (none does): its target changed, or its loop is being removed.
 * <li>any to CLOSING: its service went away; closed with what it spawned. CLOSING to
 *     CLOSED at the end of the loop's next pass, when the JDK has freed its socket.
 * <li>ADOPTED or PENDING to DETACHED: its service went away while the whiteboard stops;
 *     left open for the next loop to adopt.
 * </ul>
 *
 * <p>A move to another loop detaches the dispatcher here (closing what it spawned), then
 * hands the registration over: the next loop's thread adopts it. It is never in two maps,
 * and never served by two threads.
 */
final class Adoption {

    private static final System.Logger LOG = io.asyncore.spi.Logging.logger(Whiteboard.class.getName());

    private final Whiteboard whiteboard;

    Adoption(Whiteboard whiteboard) {
        this.whiteboard = whiteboard;
    }

    /**
     * Loop thread of {@code here}: brings the registration where its newest wish says, or
     * as far as this loop can (a move continues on the next loop's thread).
     *
     * @param r the registration
     * @param here the loop whose thread runs this
     */
    void settle(Registration r, EventLoop here) {
        assert here.inEventLoop() : "whiteboard work for " + r + " runs on thread "
                + Thread.currentThread().getName() + ", not on loop " + here.name();
        Registration.Wish wish = r.claim(here);
        while (wish != null) {
            EventLoop next = step(r, here, wish);
            if (next != null) {
                r.handOver(next);
                whiteboard.kick(r);
                return;
            }
            wish = r.next(here, wish.version());
        }
        if (r.needsSettling()) {
            whiteboard.kick(r); // this loop stopped holding it meanwhile (it ended)
        }
    }

    /** One step toward {@code wish}; answers the loop to hand the registration to, or null. */
    private EventLoop step(Registration r, EventLoop here, Registration.Wish wish) {
        if (wish.gone()) {
            end(r, here, wish.keep());
            return null;
        }
        if (wish.target() == here) {
            adopt(r, here);
            return null;
        }
        if (r.state() == State.ADOPTED) {
            detach(r, here);
        }
        if (wish.target() != null) {
            r.state(State.PENDING);
            return wish.target();
        }
        unadopted(r, wish.mismatch());
        return null;
    }

    private void adopt(Registration r, EventLoop here) {
        Dispatcher d = r.dispatcher();
        if (r.state() == State.ADOPTED) {
            return;
        }
        if (d.isClosed()) {
            unadopted(r, d + " was closed before the loop could adopt it");
            return;
        }
        if (d.channel() == null && d.readinessSource() == null) {
            unadopted(r, d + " has no socket: call createSocket (then bind and listen, or connect)"
                    + " before registering it");
            return;
        }
        try {
            d.addChannel(here.map());
            r.state(State.ADOPTED);
            LOG.log(Level.INFO, "loop " + here.name() + " adopted " + d + " (" + r + ")");
        } catch (RuntimeException e) {
            unadopted(r, "adoption failed: " + e);
        }
    }

    /** Out of the map, open; what it spawned is closed, as no thread would serve it. */
    private void detach(Registration r, EventLoop here) {
        Dispatcher root = r.dispatcher();
        closeSpawned(root, here.map());
        root.delChannel();
        r.state(State.DETACHED);
        LOG.log(Level.INFO, "loop " + here.name() + " detached " + root + " (" + r + ")");
    }

    /**
     * The service went away: closes the dispatcher with what it spawned, adopted or not (the
     * whiteboard owns every dispatcher it has seen, and nothing else would close its
     * socket), or only detaches it when {@code keep} (the whiteboard stops, the service
     * stays). The JDK frees the descriptor of a channel registered with a selector at that
     * selector's next select; a timer runs after the next pass's wait, so it completes the
     * registration once the port is really free, with no extra pass run from here.
     */
    private void end(Registration r, EventLoop here, boolean keep) {
        State s = r.state();
        if (s == State.CLOSING || s == State.CLOSED || (keep && s == State.DETACHED)) {
            return;
        }
        Dispatcher root = r.dispatcher();
        if (keep) {
            if (s == State.ADOPTED) {
                detach(r, here);
            } else if (s == State.PENDING) {
                r.state(State.DETACHED);
            }
            r.finished();
            return;
        }
        if (s == State.ADOPTED) {
            closeSpawned(root, here.map());
        }
        closeQuietly(root);
        r.state(State.CLOSING);
        LOG.log(Level.INFO, "loop " + here.name() + " dropped and closed " + root + " (" + r + ")");
        Runnable released = () -> {
            r.state(State.CLOSED);
            r.finished();
        };
        try {
            here.schedule(Duration.ZERO, released);
        } catch (RejectedExecutionException stopping) {
            released.run(); // the loop is ending: it releases its selector on its way out
        }
    }

    private void unadopted(Registration r, String why) {
        boolean told = r.state() == State.UNADOPTED;
        r.unadopted(why);
        if (!told) { // a new reason for a reported one is listed, not logged again
            LOG.log(Level.WARNING, "asyncore whiteboard: " + r + " (" + r.dispatcher() + ") is not adopted: " + why);
        }
    }

    /**
     * Closes what {@code root} spawned in {@code map}, and in the default map, where a hook
     * that gave its children that map explicitly put them.
     */
    private static void closeSpawned(Dispatcher root, ChannelMap map) {
        for (ChannelMap m : new ChannelMap[] {map, ChannelMap.defaultMap()}) {
            for (Dispatcher d : m.dispatchers()) {
                if (d != root && descendsFrom(d, root)) {
                    closeQuietly(d);
                }
            }
        }
    }

    private static boolean descendsFrom(Dispatcher d, Dispatcher root) {
        for (Dispatcher p = d.parent(); p != null; p = p.parent()) {
            if (p == root) {
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(Dispatcher d) {
        try {
            d.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing " + d + " failed", e);
        }
        d.delChannel();
    }
}
