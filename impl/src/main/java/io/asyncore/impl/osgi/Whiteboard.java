package io.asyncore.impl.osgi;

import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

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
 */
final class Whiteboard implements ServiceTrackerCustomizer<Dispatcher, Registration>, AutoCloseable {

    /** Service property of a dispatcher: an LDAP filter selecting the loop to join. */
    static final String TARGET = "asyncore.target";

    private static final System.Logger LOG = io.asyncore.spi.Logging.logger(Whiteboard.class.getName());

    private final BundleContext context;
    /** The loops that adopt dispatchers; the first is the default loop. */
    private final List<ServedLoop.Member> loops = new CopyOnWriteArrayList<>();
    /** A task that only wakes a loop. */
    private static final Runnable NOTHING = () -> { };
    private final ServiceTracker<Dispatcher, Registration> tracker;
    private final Set<Registration> registrations = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /**
     * A whiteboard feeding the loops of {@code defaults}; call {@link #open()} to start tracking.
     *
     * @param context the impl bundle's context
     * @param defaults the framework's default loop: it adopts dispatchers without {@value #TARGET}
     */
    Whiteboard(BundleContext context, ServedLoop defaults) {
        this.context = context;
        this.loops.addAll(defaults.members());
        this.tracker = new ServiceTracker<>(context, Dispatcher.class, this);
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
            Registration.State state = r.state();
            if (r.dispatcher() != null && r.loop() == null
                    && (state == Registration.State.UNADOPTED || state == Registration.State.DETACHED)
                    && choose(r.reference()).loop() != null) {
                place(r);
            }
        }
    }

    /**
     * Takes the loops of {@code served} out before they stop: their registered dispatchers
     * are detached (their spawned connections closed) and join whichever loop matches
     * them now, or wait, unadopted, for one that will.
     *
     * @param served loops about to stop
     */
    void removeLoops(ServedLoop served) {
        List<EventLoop> leaving = served.members().stream().map(ServedLoop.Member::loop).toList();
        loops.removeAll(served.members());
        for (Registration r : registrations()) {
            EventLoop from = r.loop();
            if (from != null && leaving.contains(from)) {
                onLoop(from, r, () -> release(from, r, true));
                r.loop(null);
                if (r.state() != Registration.State.CLOSED) {
                    place(r);
                }
            }
        }
    }

    /** Adopts the dispatcher services there are and those to come. */
    void open() {
        tracker.open();
    }

    /** Detaches every adopted dispatcher (the loop is stopping) and stops tracking. */
    @Override
    public void close() {
        stopping = true;
        tracker.close();
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

    @Override
    public Registration addingService(ServiceReference<Dispatcher> reference) {
        Dispatcher d = context.getService(reference);
        Registration r = new Registration(reference, d);
        registrations.add(r);
        if (d == null) {
            unadopted(r, "the framework returned no service object");
            return r;
        }
        place(r);
        return r;
    }

    /**
     * Gives {@code r} to the loop that matches it, or records why none does. Serialised:
     * the tracker and the configuration thread may both place one registration.
     */
    private synchronized void place(Registration r) {
        if (r.loop() != null) {
            return; // placed meanwhile
        }
        Choice choice = choose(r.reference());
        EventLoop loop = choice.loop();
        if (loop == null) {
            unadopted(r, choice.mismatch());
            return;
        }
        r.loop(loop);
        try {
            loop.execute(() -> adopt(loop, r));
        } catch (RejectedExecutionException e) {
            r.loop(null);
            unadopted(r, "loop " + loop.name() + " is closed");
        }
    }

    @Override
    public void modifiedService(ServiceReference<Dispatcher> reference, Registration r) {
        if (r.dispatcher() == null) {
            return;
        }
        Choice choice = choose(reference);
        EventLoop from = r.loop();
        if (from != null && choice.loop() != null && choice.matches(from)) {
            return; // still where it belongs
        }
        if (from != null) {
            onLoop(from, r, () -> release(from, r, true));
            r.loop(null);
        }
        if (choice.loop() != null) {
            place(r);
        } else if (r.state() == Registration.State.UNADOPTED) {
            r.unadopted(choice.mismatch()); // said so already: a new reason, no new warning
        } else if (r.state() != Registration.State.CLOSED) {
            unadopted(r, choice.mismatch());
        }
    }

    @Override
    public void removedService(ServiceReference<Dispatcher> reference, Registration r) {
        try {
            EventLoop loop = r.loop();
            if (r.dispatcher() != null && loop != null) {
                boolean keep = stopping;
                boolean insidePass = loop.inEventLoop(); // unregistered from a hook or task
                onLoop(loop, r, () -> {
                    release(loop, r, keep);
                    if (!keep && !insidePass && loop.inEventLoop()) {
                        releaseClosedSockets(loop);
                    }
                });
            } else if (r.dispatcher() != null && !stopping) {
                // Never adopted, so no loop serves it and no hook of it can run: the
                // whiteboard owns it all the same, and closes it with its service.
                closeUnadopted(r);
            }
        } finally {
            registrations.remove(r);
            try {
                context.ungetService(reference);
            } catch (IllegalStateException e) {
                // the impl bundle's context is already invalid: nothing left to release
            }
        }
    }

    /** Loop thread: puts the dispatcher into the loop's map. */
    private void adopt(EventLoop loop, Registration r) {
        Dispatcher d = r.dispatcher();
        if (r.loop() != loop || r.state() == Registration.State.ADOPTED || r.state() == Registration.State.CLOSED) {
            return; // moved on, or gone, since this was queued
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
            d.addChannel(loop.map());
            r.state(Registration.State.ADOPTED);
            LOG.log(Level.INFO, "loop " + loop.name() + " adopted " + d + " (" + r + ")");
        } catch (RuntimeException e) {
            unadopted(r, "adoption failed: " + e);
        }
    }

    /**
     * Loop thread: closes what {@code r}'s dispatcher spawned, then closes the dispatcher
     * itself, or only takes it out of the map when {@code keep} (the loop is stopping but
     * the service is still there). A dispatcher that was never adopted (pending, or
     * unadopted) is closed too when its service goes away: the whiteboard owns every
     * dispatcher it has seen, and nothing else would ever close its socket.
     */
    private void release(EventLoop loop, Registration r, boolean keep) {
        if (r.state() != Registration.State.ADOPTED) {
            boolean neverAdopted = r.state() == Registration.State.PENDING
                    || r.state() == Registration.State.UNADOPTED;
            if (keep) {
                if (r.state() == Registration.State.PENDING) {
                    r.state(Registration.State.DETACHED);
                }
            } else if (neverAdopted) {
                closeUnadopted(r);
            }
            return;
        }
        Dispatcher root = r.dispatcher();
        closeDescendants(root, loop.map());
        // A hook that gave its children the default map explicitly still spawned them.
        closeDescendants(root, ChannelMap.defaultMap());
        if (keep) {
            root.delChannel();
            r.state(Registration.State.DETACHED);
        } else {
            closeQuietly(root);
            r.state(Registration.State.CLOSED);
        }
        LOG.log(Level.INFO, "loop " + loop.name() + (keep ? " detached " : " dropped and closed ") + root + " (" + r + ")");
    }

    /**
     * Loop thread, between passes: runs one pass that does not wait. The JDK defers closing
     * the descriptor of a channel registered with a selector until that selector's next
     * select; a closed listening socket would go on completing handshakes until then. This
     * pass makes the close real before the service's unregistration returns.
     */
    private void releaseClosedSockets(EventLoop loop) {
        ChannelMap map = loop.map();
        try {
            io.asyncore.spi.LoopDriver.pass(map, 0);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "loop " + loop.name() + ": releasing closed sockets failed", e);
        }
    }

    private static void closeDescendants(Dispatcher root, ChannelMap map) {
        for (Dispatcher d : map.dispatchers()) {
            if (d != root && descendsFrom(d, root)) {
                closeQuietly(d);
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

    /**
     * Closes the dispatcher of a registration no loop serves now. One that a loop served
     * before (detached when its target stopped matching) may still be registered with
     * that loop's selector, which frees the descriptor only when its select returns: the
     * loops are woken for that.
     */
    private void closeUnadopted(Registration r) {
        closeQuietly(r.dispatcher());
        r.state(Registration.State.CLOSED);
        for (EventLoop l : loops()) {
            try {
                l.execute(NOTHING);
            } catch (RuntimeException stopped) {
                // a loop that stops closes its selector, and with it the registration
            }
        }
    }

    private static void closeQuietly(Dispatcher d) {
        try {
            d.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing " + d + " failed", e);
        }
        d.delChannel();
    }

    /**
     * Runs {@code work} on the loop thread and waits, so that when a service is gone its
     * sockets are closed. A loop that has ended (or does not answer within
     * {@link OnLoop#WAIT_SECONDS}) no longer runs hooks, so the work then runs here.
     */
    private void onLoop(EventLoop loop, Registration r, Runnable work) {
        try {
            OnLoop.call(loop, () -> {
                work.run();
                return null;
            });
            return;
        } catch (RejectedExecutionException e) {
            // the loop has ended: nobody else touches these dispatchers
        } catch (TimeoutException e) {
            LOG.log(Level.WARNING, "loop " + loop.name() + " did not answer within " + OnLoop.WAIT_SECONDS
                    + " s; handling " + r + " on thread " + Thread.currentThread().getName());
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "whiteboard work for " + r + " failed", e.getCause());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        work.run();
    }

    private void unadopted(Registration r, String why) {
        r.unadopted(why);
        LOG.log(Level.WARNING, "asyncore whiteboard: " + r + " (" + r.dispatcher() + ") is not adopted: " + why);
    }

    /**
     * Where a dispatcher goes: a loop, or why there is none.
     *
     * @param loop the chosen loop, or null
     * @param mismatch why no loop is chosen, or null
     * @param candidates every loop that matches
     */
    private record Choice(EventLoop loop, String mismatch, List<EventLoop> candidates) {
        boolean matches(EventLoop l) {
            return candidates.contains(l);
        }
    }

    /**
     * The loop for a dispatcher service: the default loop when it has no {@value #TARGET},
     * else of the loops its filter matches the one serving the fewest registrations.
     */
    private Choice choose(ServiceReference<Dispatcher> reference) {
        List<ServedLoop.Member> running = new ArrayList<>(loops);
        Object target = reference.getProperty(TARGET);
        if (target == null) {
            return running.isEmpty() ? new Choice(null, "no loop is running", List.of())
                    : new Choice(running.get(0).loop(), null, List.of(running.get(0).loop()));
        }
        if (!(target instanceof String text)) {
            return new Choice(null, TARGET + " must be an LDAP filter string, got " + target.getClass().getName(),
                    List.of());
        }
        Filter filter;
        try {
            filter = FrameworkUtil.createFilter(text);
        } catch (InvalidSyntaxException e) {
            return new Choice(null, TARGET + " '" + text + "' is not a valid LDAP filter: " + e.getMessage(), List.of());
        }
        List<EventLoop> matching = new ArrayList<>();
        for (ServedLoop.Member m : running) {
            if (filter.matches(m.properties())) {
                matching.add(m.loop());
            }
        }
        if (matching.isEmpty()) {
            return new Choice(null, TARGET + " " + text + " matches no loop (running: "
                    + running.stream().map(m -> String.valueOf(m.properties().get(LoopConfig.NAME))).toList() + ")",
                    List.of());
        }
        EventLoop least = matching.get(0);
        long fewest = Long.MAX_VALUE;
        for (EventLoop l : matching) {
            long served = registrations.stream().filter(r -> r.loop() == l).count();
            if (served < fewest) {
                fewest = served;
                least = l;
            }
        }
        return new Choice(least, null, matching);
    }
}
