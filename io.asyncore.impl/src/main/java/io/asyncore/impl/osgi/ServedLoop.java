package io.asyncore.impl.osgi;

import io.asyncore.EventLoop;
import io.asyncore.impl.SelectorEngine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/**
 * One named loop, or a group of loops behind one name, running and published as
 * {@link EventLoop} services: the one place where the bundle starts and stops a loop.
 *
 * <p>Every loop of a group has the group's name as its {@code name} service property, so
 * {@code asyncore.target=(name=web)} matches any of them; its own name
 * ({@code web-0}, {@code web-1}, ...) is its thread's name and its {@value LoopConfig#NAME}
 * property.
 */
final class ServedLoop {

    /** Service property of a loop in a group: the group's size. */
    static final String GROUP_SIZE = "asyncore.group.size";
    /** Service property of a configured loop: the PID of its configuration. */
    static final String CONFIG_PID = "asyncore.config.pid";

    /** A loop of this name or group, with its service properties. */
    record Member(EventLoop loop, Map<String, Object> properties) {}

    private final LoopConfig config;
    private final List<Member> members;
    private final List<ServiceRegistration<EventLoop>> registrations = new ArrayList<>();

    private ServedLoop(LoopConfig config, List<Member> members) {
        this.config = config;
        this.members = List.copyOf(members);
    }

    /**
     * Starts the loops of {@code config}; call {@link #publish} to register them.
     *
     * @param engine the engine
     * @param config the settings
     * @param pid the configuration's PID, or null for the framework's default loop
     * @return the running loops, not yet published
     * @throws IOException if the system refuses a selector (the loops started so far are closed)
     */
    static ServedLoop start(SelectorEngine engine, LoopConfig config, String pid) throws IOException {
        List<Member> members = new ArrayList<>();
        try {
            for (int i = 0; i < config.groupSize(); i++) {
                String loopName = config.groupSize() == 1 ? config.name() : config.name() + "-" + i;
                EventLoop loop = engine.startEventLoop(loopName, config.selectTimeout(), config.blockedThreshold(),
                        config.threadPriority());
                members.add(new Member(loop, properties(config, loopName, pid)));
            }
        } catch (IOException | RuntimeException | Error e) {
            members.forEach(m -> m.loop().close());
            throw e;
        }
        return new ServedLoop(config, members);
    }

    private static Map<String, Object> properties(LoopConfig config, String loopName, String pid) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("name", config.name());
        p.put(LoopConfig.NAME, loopName);
        p.put(LoopConfig.SELECT_TIMEOUT_MS, config.selectTimeout().toMillis());
        if (config.groupSize() > 1) {
            p.put(GROUP_SIZE, config.groupSize());
        }
        if (pid != null) {
            p.put(CONFIG_PID, pid);
        }
        p.put(Constants.SERVICE_DESCRIPTION, "asyncore event loop " + loopName);
        return p;
    }

    /**
     * Registers each loop as an {@link EventLoop} service that consumers cannot close.
     *
     * @param context the impl bundle's context
     */
    void publish(BundleContext context) {
        for (Member m : members) {
            registrations.add(context.registerService(EventLoop.class, SharedLoop.of(m.loop()),
                    new Hashtable<>(m.properties())));
        }
    }

    /** Unregisters the services, then closes every loop and joins its thread. */
    void stop() {
        for (ServiceRegistration<EventLoop> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already unregistered (the bundle is stopping)
            }
        }
        registrations.clear();
        members.forEach(m -> m.loop().close()); // closes what is left in each map
    }

    LoopConfig config() {
        return config;
    }

    /** The loops, with their service properties. */
    List<Member> members() {
        return members;
    }
}
