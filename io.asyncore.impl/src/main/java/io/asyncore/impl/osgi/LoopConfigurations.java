package io.asyncore.impl.osgi;

import io.asyncore.impl.SelectorEngine;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ManagedServiceFactory;

/**
 * Loops from Config Admin: each factory configuration of PID {@value LoopConfig#FACTORY_PID}
 * runs one named loop (or loop group) as {@link io.asyncore.EventLoop} services. An
 * update with new values restarts that loop and the whiteboard moves its dispatchers to
 * the new one; a deleted configuration stops it. A malformed value is logged in one line
 * naming the PID, the key and the value; that loop keeps its previous settings (or does
 * not start) and every other loop keeps running.
 *
 * <p>Only loaded when the framework offers {@code org.osgi.service.cm}: the bundle imports
 * it optionally, and {@link Activator} checks before touching this class.
 */
final class LoopConfigurations implements ManagedServiceFactory, AutoCloseable, Supplier<List<String>> {

    private static final System.Logger LOG = io.asyncore.spi.Logging.logger(LoopConfigurations.class.getName());

    private final SelectorEngine engine;
    private final BundleContext context;
    private final Whiteboard whiteboard;
    private final String defaultName;
    private final Map<String, ServedLoop> byPid = new HashMap<>();
    /** The last refusal per PID, for {@code asyncore:loops}; cleared when that PID is fine again. */
    private final Map<String, String> problems = new TreeMap<>();
    private ServiceRegistration<ManagedServiceFactory> registration;
    private boolean closed;

    private LoopConfigurations(BundleContext context, SelectorEngine engine, Whiteboard whiteboard,
            String defaultName) {
        this.context = context;
        this.engine = engine;
        this.whiteboard = whiteboard;
        this.defaultName = defaultName;
    }

    /**
     * Registers the factory with Config Admin.
     *
     * @param context the impl bundle's context
     * @param engine the engine that starts the loops
     * @param whiteboard the whiteboard that feeds them
     * @param defaultName the default loop's name, which no configuration may take
     * @return what stops every configured loop when closed
     */
    static AutoCloseable open(BundleContext context, SelectorEngine engine, Whiteboard whiteboard,
            String defaultName) {
        LoopConfigurations factory = new LoopConfigurations(context, engine, whiteboard, defaultName);
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(Constants.SERVICE_PID, LoopConfig.FACTORY_PID);
        p.put(Constants.SERVICE_DESCRIPTION, "asyncore event loops from configurations " + LoopConfig.FACTORY_PID);
        factory.registration = context.registerService(ManagedServiceFactory.class, factory, p);
        return factory;
    }

    @Override
    public String getName() {
        return "asyncore event loops";
    }

    @Override
    public synchronized void updated(String pid, Dictionary<String, ?> properties) {
        if (closed) {
            return;
        }
        ServedLoop old = byPid.get(pid);
        String keeps = old == null ? "; no loop started" : "; loop " + old.config().name() + " keeps its settings";
        LoopConfig config;
        try {
            config = LoopConfig.fromConfiguration(pid, properties::get);
        } catch (IllegalArgumentException e) {
            refuse(pid, e.getMessage() + keeps);
            return;
        }
        problems.remove(pid);
        if (old != null && old.config().equals(config)) {
            return; // nothing changed (Config Admin and file installers repeat updates)
        }
        String taken = takenBy(pid, config.name());
        if (taken != null) {
            refuse(pid, "asyncore loop configuration " + pid + ": name = '" + config.name()
                    + "' is taken by " + taken + keeps);
            return;
        }
        ServedLoop next;
        try {
            next = ServedLoop.start(engine, config, pid);
        } catch (IOException | RuntimeException e) {
            refuse(pid, "asyncore loop configuration " + pid + ": cannot start loop " + config.name()
                    + ": " + e + keeps);
            return;
        }
        next.publish(context);
        whiteboard.addLoops(next);
        if (old != null) {
            stop(old);
        }
        byPid.put(pid, next);
    }

    @Override
    public synchronized void deleted(String pid) {
        problems.remove(pid);
        ServedLoop old = byPid.remove(pid);
        if (old != null) {
            stop(old);
        }
    }

    /** Unregisters the factory and stops every configured loop. */
    @Override
    public synchronized void close() {
        closed = true;
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // the bundle is stopping: already unregistered
        }
        byPid.values().forEach(this::stop);
        byPid.clear();
    }

    /**
     * The configurations refused last time they changed, one line each, as logged.
     *
     * @return a copy, ordered by PID
     */
    @Override
    public synchronized List<String> get() {
        return new ArrayList<>(problems.values());
    }

    /** One line, logged and kept for {@code asyncore:loops}; the configuration's loops stay as they are. */
    private void refuse(String pid, String line) {
        problems.put(pid, line);
        LOG.log(Level.WARNING, line);
    }

    private void stop(ServedLoop served) {
        whiteboard.removeLoops(served);
        served.stop();
    }

    /** Which loop already has {@code name}, or null when it is free for {@code pid}. */
    private String takenBy(String pid, String name) {
        if (name.equals(defaultName)) {
            return "the framework's default loop";
        }
        for (Map.Entry<String, ServedLoop> e : byPid.entrySet()) {
            if (!e.getKey().equals(pid) && e.getValue().config().name().equals(name)) {
                return "configuration " + e.getKey();
            }
        }
        return null;
    }
}
