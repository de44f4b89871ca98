package io.asyncore.impl.osgi;

import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Service property {@value #TARGET} may hold an LDAP filter over the loop's service
 * properties, such as {@code (name=asyncore-default)}. A dispatcher that matches no loop, or
 * whose adoption fails, is logged and listed by the {@code asyncore:unadopted} command,
 * never dropped silently.
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
    private final EventLoop loop;
    private final Map<String, Object> loopProperties;
    private final ServiceTracker<Dispatcher, Registration> tracker;
    private final Set<Registration> registrations = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /**
     * A whiteboard feeding {@code loop}; call {@link #open()} to start tracking.
     *
     * @param context the impl bundle's context
     * @param loop the loop that adopts dispatchers
     * @param loopProperties the loop's service properties, matched by {@value #TARGET}
     */
    Whiteboard(BundleContext context, EventLoop loop, Map<String, Object> loopProperties) {
        this.context = context;
        this.loop = loop;
        this.loopProperties = Map.copyOf(loopProperties);
        this.tracker = new ServiceTracker<>(context, Dispatcher.class, this);
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
        String mismatch = mismatch(reference);
        if (mismatch != null) {
            unadopted(r, mismatch);
            return r;
        }
        try {
            loop.execute(() -> adopt(r));
        } catch (RejectedExecutionException e) {
            unadopted(r, "loop " + loop.name() + " is closed");
        }
        return r;
    }

    @Override
    public void modifiedService(ServiceReference<Dispatcher> reference, Registration r) {
        if (r.dispatcher() == null) {
            return;
        }
        onLoop(r, () -> {
            String mismatch = mismatch(reference);
            if (r.state() == Registration.State.ADOPTED && mismatch != null) {
                release(r, true);
                unadopted(r, mismatch);
            } else if (r.state() == Registration.State.UNADOPTED && mismatch == null) {
                adopt(r);
            } else if (r.state() == Registration.State.UNADOPTED) {
                r.unadopted(mismatch);
            }
        });
    }

    @Override
    public void removedService(ServiceReference<Dispatcher> reference, Registration r) {
        try {
            if (r.dispatcher() != null) {
                boolean keep = stopping;
                boolean insidePass = loop.inEventLoop(); // unregistered from a hook or task
                onLoop(r, () -> {
                    release(r, keep);
                    if (!keep && !insidePass && loop.inEventLoop()) {
                        releaseClosedSockets();
                    }
                });
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
    private void adopt(Registration r) {
        Dispatcher d = r.dispatcher();
        if (r.state() != Registration.State.PENDING && r.state() != Registration.State.UNADOPTED) {
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
     * the service is still there).
     */
    private void release(Registration r, boolean keep) {
        if (r.state() != Registration.State.ADOPTED) {
            if (r.state() == Registration.State.PENDING) {
                r.state(keep ? Registration.State.DETACHED : Registration.State.CLOSED);
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
    private void releaseClosedSockets() {
        ChannelMap map = loop.map();
        try {
            map.poller().poll(map, 0);
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
    private void onLoop(Registration r, Runnable work) {
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
        LOG.log(Level.WARNING, "asyncore whiteboard: " + r + " (" + r.dispatcher() + ") is not adopted by loop "
                + loop.name() + ": " + why);
    }

    /** Why the reference's {@value #TARGET} rules this loop out, or null when it does not. */
    private String mismatch(ServiceReference<Dispatcher> reference) {
        Object target = reference.getProperty(TARGET);
        if (target == null) {
            return null;
        }
        if (!(target instanceof String text)) {
            return TARGET + " must be an LDAP filter string, got " + target.getClass().getName();
        }
        Filter filter;
        try {
            filter = FrameworkUtil.createFilter(text);
        } catch (InvalidSyntaxException e) {
            return TARGET + " '" + text + "' is not a valid LDAP filter: " + e.getMessage();
        }
        return filter.matches(loopProperties) ? null
                : TARGET + " " + text + " matches no loop (this framework runs " + loopProperties + ")";
    }
}
