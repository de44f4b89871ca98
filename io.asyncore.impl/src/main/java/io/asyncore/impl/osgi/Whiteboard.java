package io.asyncore.impl.osgi;

import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.framework.BundleContext;

/**
 * The dispatcher whiteboard: every {@link Dispatcher} service, with its socket created
 * (and bound, listening or connecting), joins the loop on the loop thread, and leaves it
 * closed when its service goes away, together with every dispatcher whose
 * {@link Dispatcher#parent()} chain reaches it (the connections it accepted, and theirs).
 *
 * <p>Service property {@value #TARGET} may hold an LDAP filter over the loops' service
 * properties, such as {@code (name=web)}; a dispatcher without it joins the framework's
 * default loop. When several loops match (a loop group), the one serving the fewest
 * registrations adopts it. A dispatcher that matches no loop, or whose adoption fails, is
 * logged and listed by the {@code asyncore:unadopted} command, never dropped silently; a
 * loop that appears later (a new configuration) adopts it then. It is closed like an
 * adopted one when its service goes away.
 *
 * <p>When a configured loop goes away (its configuration is updated or deleted), its
 * registered dispatchers are detached, their spawned connections closed, and they join
 * the loop that now matches them: the restarted loop of an updated configuration.
 *
 * <p>When the loop itself stops (bundle {@code io.asyncore.impl} stops), the registered
 * dispatchers are detached, not closed: their services are still there, so their
 * listening sockets stay open and a restarted loop adopts them again. The connections
 * they spawned are closed, because no thread serves them any more.
 *
 * <p>Threading: a {@link DispatcherTracker} reports the service events on framework threads
 * and the configuration thread adds and removes loops; both only record a wish in the
 * {@link Registration} and queue the work on a loop, where {@link Adoption} carries it out.
 * A removal or an update waits for that loop, up to a bound: a loop that does not answer
 * (a hook blocks its thread) keeps the work queued, one WARNING says so, and the framework
 * goes on. Nothing falls back to another thread.
 */
final class Whiteboard implements AutoCloseable {

    /** Service property of a dispatcher: an LDAP filter selecting the loop to join. */
    static final String TARGET = "asyncore.target";

    private static final System.Logger LOG = io.asyncore.spi.Logging.logger(Whiteboard.class.getName());

    private final BundleContext context;
    private final Duration wait;
    /** The loops that adopt dispatchers; the first is the default loop. */
    private final List<ServedLoop.Member> loops = new CopyOnWriteArrayList<>();
    private final Set<Registration> registrations = ConcurrentHashMap.newKeySet();
    private final Adoption adoption = new Adoption(this);
    private DispatcherTracker tracker;
    private volatile boolean stopping;

    /**
     * A whiteboard feeding the loops of {@code defaults}; call {@link #open()} to start tracking.
     *
     * @param context the impl bundle's context
     * @param defaults the framework's default loop: it adopts dispatchers without {@value #TARGET}
     */
    Whiteboard(BundleContext context, ServedLoop defaults) {
        this(context, defaults.members(), Duration.ofSeconds(OnLoop.WAIT_SECONDS));
    }

    /**
     * A whiteboard feeding {@code defaults}.
     *
     * @param context the bundle context to track services in; {@link #open()} needs it
     * @param defaults the default loop (the first adopts dispatchers without {@value #TARGET})
     * @param wait how long a removal or an update waits for a loop before it goes on
     */
    Whiteboard(BundleContext context, List<ServedLoop.Member> defaults, Duration wait) {
        this.context = context;
        this.wait = wait;
        this.loops.addAll(defaults);
    }

    /**
     * The loops that adopt dispatchers, the default loop first.
     *
     * @return a snapshot
     */
    List<EventLoop> loops() {
        return loops.stream().map(ServedLoop.Member::loop).toList();
    }

    /**
     * Makes the loops of {@code served} adopt what they match: dispatchers no loop
     * adopted yet, or that a stopped loop left detached.
     *
     * @param served loops just started
     */
    void addLoops(ServedLoop served) {
        loops.addAll(served.members());
        for (Registration r : registrations()) {
            if (r.dispatcher() != null && r.target() == null) {
                place(r);
            }
        }
    }

    /**
     * Takes the loops of {@code served} out before they stop: their registered dispatchers
     * are detached (their spawned connections closed) and join whichever loop matches
     * them now, or wait, unadopted, for one that will. The work is queued on the leaving
     * loops, which run it before they end.
     *
     * @param served loops about to stop
     */
    void removeLoops(ServedLoop served) {
        List<EventLoop> leaving = served.members().stream().map(ServedLoop.Member::loop).toList();
        loops.removeAll(served.members());
        for (Registration r : registrations()) {
            if (leaving.contains(r.target())) {
                place(r);
            }
        }
    }

    /** Adopts the dispatcher services there are and those to come. */
    void open() {
        tracker = new DispatcherTracker(context, this);
        tracker.open();
    }

    /** Detaches every adopted dispatcher (the loop is stopping) and stops tracking. */
    @Override
    public void close() {
        stopping = true;
        if (tracker != null) {
            tracker.close();
        }
    }

    /**
     * The registrations seen, oldest service first.
     *
     * @return a copy
     */
    List<Registration> registrations() {
        List<Registration> all = new ArrayList<>(registrations);
        all.sort(Comparator.comparingLong(Registration::serviceId));
        return all;
    }

    /**
     * The registration that {@code d} belongs to: its own, or that of the first ancestor
     * in its {@link Dispatcher#parent()} chain that was registered.
     *
     * @param d a dispatcher
     * @return the registration, or null for a dispatcher the whiteboard did not bring
     */
    Registration registrationOf(Dispatcher d) {
        for (Dispatcher x = d; x != null; x = x.parent()) {
            for (Registration r : registrations) {
                if (r.dispatcher() == x) {
                    return r;
                }
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ service events

    /**
     * A dispatcher service appeared: queues its adoption on the loop that matches it.
     * Does not wait.
     *
     * @param r its registration
     */
    void added(Registration r) {
        registrations.add(r);
        if (r.dispatcher() == null) {
            LOG.log(Level.WARNING, "asyncore whiteboard: " + r + " is not adopted: " + r.reason());
            return;
        }
        place(r);
    }

    /**
     * A dispatcher service's properties changed: when its target now matches another loop
     * (or none), it moves; waits, up to the bound, for the loop that holds it.
     *
     * @param r its registration
     */
    void modified(Registration r) {
        if (r.dispatcher() != null) {
            await(r, place(r), "moving");
        }
    }

    /**
     * A dispatcher service went away: its dispatcher is closed with what it spawned, on the
     * loop that holds it (only detached while the whiteboard stops). Waits, up to the bound,
     * until it is closed and its socket released.
     *
     * @param r its registration
     */
    void removed(Registration r) {
        try {
            if (r.dispatcher() != null) {
                CompletableFuture<Void> done = r.wishGone(stopping);
                kick(r);
                await(r, done, stopping ? "detaching" : "closing");
            }
        } finally {
            registrations.remove(r);
        }
    }

    // ------------------------------------------------------------------ handing work to loops

    /**
     * Wishes {@code r} on the loop that matches it now, unless the one it has still
     * matches, and queues the work.
     *
     * @return what completes once the work is done, or null when nothing changed
     */
    private CompletableFuture<Void> place(Registration r) {
        CompletableFuture<Void> done;
        synchronized (this) { // the tracker and the configuration thread may both place: count consistently
            LoopChoice choice = LoopChoice.of(r.property(TARGET), running(), this::served);
            EventLoop now = r.target();
            if (now != null && choice.matches(now)) {
                return null; // still where it belongs
            }
            done = r.wish(choice.loop(), choice.mismatch());
        }
        if (done != null) {
            kick(r);
        }
        return done;
    }

    /**
     * Queues {@link Adoption#settle} for {@code r} on the loop that holds it, else on its
     * target, else on any running loop; runs it at once when already on that loop's thread.
     * A loop that rejects the task has ended (and closed or released what it held): the
     * next one is tried.
     */
    void kick(Registration r) {
        for (int tries = 0; tries <= loops.size() + 1; tries++) {
            EventLoop runner = r.runner();
            if (runner == null) {
                List<ServedLoop.Member> running = running();
                runner = running.isEmpty() ? null : running.get(0).loop();
            }
            if (runner == null) {
                if (!r.isGone() || !stopping) {
                    LOG.log(Level.WARNING, "asyncore whiteboard: no loop runs to settle " + r);
                }
                r.unsettled();
                return;
            }
            if (runner.inEventLoop()) {
                adoption.settle(r, runner);
                return;
            }
            EventLoop on = runner;
            try {
                on.execute(() -> adoption.settle(r, on));
                return;
            } catch (RejectedExecutionException ended) {
                r.ended(on);
            }
        }
        r.unsettled();
    }

    /**
     * Waits for the loop to do the work, up to the bound. Never on a loop thread: a loop
     * that waited for another could wait for itself.
     */
    private void await(Registration r, CompletableFuture<Void> done, String what) {
        if (done == null || onLoopThread(r)) {
            return;
        }
        long started = System.nanoTime();
        try {
            done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            EventLoop loop = r.runner();
            LOG.log(Level.WARNING, "loop " + (loop == null ? "?" : loop.name()) + " did not answer within "
                    + (System.nanoTime() - started) / 1_000_000 + " ms: " + what + " " + r + " (" + r.dispatcher()
                    + ") stays queued on it; a hook is holding the loop thread");
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "whiteboard work for " + r + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean onLoopThread(Registration r) {
        EventLoop home = r.home();
        return (home != null && home.inEventLoop()) || loops.stream().anyMatch(m -> m.loop().inEventLoop());
    }

    /** The loops that take dispatchers now: listed and not closed. */
    private List<ServedLoop.Member> running() {
        return loops.stream().filter(m -> !m.loop().isClosed()).toList();
    }

    /** How many registrations are wished on {@code loop}. */
    private long served(EventLoop loop) {
        return registrations.stream().filter(r -> r.target() == loop).count();
    }
}
