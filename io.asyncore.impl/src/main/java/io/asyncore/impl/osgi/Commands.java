package io.asyncore.impl.osgi;

import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Gogo shell commands {@code asyncore:loops}, {@code asyncore:channels} and
 * {@code asyncore:unadopted}. Registered as a plain service with the
 * {@code osgi.command.scope} and {@code osgi.command.function} properties, so neither
 * Felix Gogo nor the Karaf shell is needed at compile time. Each command answers text.
 */
public final class Commands {

    /** The command names, as published in {@code osgi.command.function}. */
    static final String[] FUNCTIONS = {"loops", "channels", "unadopted"};

    private final BundleContext context;
    private final Whiteboard whiteboard;
    private final Supplier<List<String>> refusals;

    Commands(BundleContext context, Whiteboard whiteboard, Supplier<List<String>> refusals) {
        this.context = context;
        this.whiteboard = whiteboard;
        this.refusals = refusals;
    }

    /** The service properties that make Gogo and the Karaf shell pick the commands up. */
    static Hashtable<String, Object> properties() {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("osgi.command.scope", "asyncore");
        p.put("osgi.command.function", FUNCTIONS.clone());
        p.put(Constants.SERVICE_DESCRIPTION, "asyncore shell commands");
        return p;
    }

    /**
     * {@code asyncore:loops}: every {@link EventLoop} service in the framework.
     *
     * @return one line per loop: name, service id, providing bundle, dispatchers, state;
     *     then one line per refused loop configuration
     */
    public String loops() {
        StringBuilder out = new StringBuilder(String.format("%-24s %8s %-32s %9s %s%n",
                "NAME", "SERVICE", "BUNDLE", "CHANNELS", "STATE"));
        ServiceReference<?>[] refs;
        try {
            refs = context.getServiceReferences(EventLoop.class.getName(), null);
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e); // no filter given
        }
        for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
            Object service = context.getService(ref);
            try {
                if (service instanceof EventLoop l) {
                    out.append(String.format("%-24s %8s %-32s %9d %s%n", l.name(),
                            ref.getProperty(Constants.SERVICE_ID), bundle(ref), l.map().size(),
                            l.isClosed() ? "closed" : "running"));
                }
            } finally {
                if (service != null) {
                    context.ungetService(ref);
                }
            }
        }
        for (String refusal : refusals.get()) {
            out.append("refused: ").append(refusal).append('\n');
        }
        return out.toString();
    }

    /**
     * {@code asyncore:channels}: every dispatcher in this bundle's loops (the default loop
     * and the configured ones), asked on each loop's thread: owner bundle, state, address,
     * and its {@code readable()} and {@code writable()} answers right now.
     *
     * @return a table per loop, then the count of unadopted dispatchers
     */
    public String channels() {
        StringBuilder out = new StringBuilder();
        for (EventLoop loop : whiteboard.loops()) {
            out.append(channels(loop));
        }
        long unadopted = whiteboard.registrations().stream()
                .filter(r -> r.state() == Registration.State.UNADOPTED).count();
        if (unadopted > 0) {
            out.append(unadopted).append(" unadopted dispatcher service(s): see asyncore:unadopted\n");
        }
        return out.toString();
    }

    private String channels(EventLoop loop) {
        List<String> rows;
        try {
            rows = OnLoop.call(loop, () -> describeChannels(loop));
        } catch (RejectedExecutionException e) {
            return "loop " + loop.name() + " is closed\n";
        } catch (TimeoutException e) {
            return "loop " + loop.name() + " did not answer within " + OnLoop.WAIT_SECONDS
                    + " s: a hook is blocking the loop thread\n";
        } catch (ExecutionException e) {
            return "asking loop " + loop.name() + " failed: " + e.getCause() + "\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted\n";
        }
        StringBuilder out = new StringBuilder("loop " + loop.name() + ": " + rows.size() + " channels\n");
        out.append(String.format("%-32s %-10s %-24s %-24s %-8s %-8s %s%n",
                "OWNER", "STATE", "ADDRESS", "LOCAL", "READABLE", "WRITABLE", "DISPATCHER"));
        rows.forEach(out::append);
        return out.toString();
    }

    /**
     * {@code asyncore:unadopted}: dispatcher services that no loop serves, and why.
     *
     * @return one line per such service, or a line saying there is none
     */
    public String unadopted() {
        StringBuilder out = new StringBuilder();
        for (Registration r : whiteboard.registrations()) {
            if (r.state() == Registration.State.UNADOPTED) {
                out.append(String.format("service %d of %s: %s: %s%n", r.serviceId(), r.owner(),
                        r.dispatcher(), r.reason()));
            }
        }
        return out.length() == 0 ? "no unadopted dispatchers\n" : out.toString();
    }

    /** Loop thread: one row per dispatcher. */
    private List<String> describeChannels(EventLoop loop) {
        List<String> rows = new ArrayList<>();
        for (Dispatcher d : loop.map().dispatchers()) {
            Registration r = whiteboard.registrationOf(d);
            String owner = r == null ? "-" : r.owner() + (r.dispatcher() == d ? "" : " (child)");
            rows.add(String.format("%-32s %-10s %-24s %-24s %-8s %-8s %s%n", owner, state(d),
                    text(d.address()), local(d), ask(d, true), ask(d, false), d));
        }
        return rows;
    }

    private static String state(Dispatcher d) {
        if (d.isClosed()) {
            return "closed";
        }
        if (d.isAccepting()) {
            return "accepting";
        }
        if (d.isConnected()) {
            return "connected";
        }
        return d.isConnecting() ? "connecting" : "open";
    }

    private static String local(Dispatcher d) {
        try {
            return text(d.localAddress());
        } catch (Exception e) {
            return "(" + e.getClass().getSimpleName() + ")";
        }
    }

    /** User code: an answer that throws is shown, not propagated. */
    private static String ask(Dispatcher d, boolean read) {
        try {
            return String.valueOf(read ? d.readable() : d.writable());
        } catch (RuntimeException e) {
            return "threw " + e.getClass().getSimpleName();
        }
    }

    private static String text(SocketAddress a) {
        return a == null ? "-" : a.toString();
    }

    private static String bundle(ServiceReference<?> ref) {
        var b = ref.getBundle();
        return b == null ? "?" : b.getSymbolicName() + " [" + b.getBundleId() + "]";
    }
}
