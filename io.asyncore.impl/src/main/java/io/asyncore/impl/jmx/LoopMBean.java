package io.asyncore.impl.jmx;

import io.asyncore.EventLoop;
import io.asyncore.spi.LoopCounters;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.ReflectionException;

/**
 * The MBean of one event loop, {@code io.asyncore:type=EventLoop,name="<loop name>"}, on
 * the platform MBean server (which {@code jconsole}, {@code jcmd} and Karaf's JMX show).
 * Read-only attributes: {@code Name}, {@code Closed}, {@code Channels}, and the loop's
 * {@link LoopCounters} ({@code Passes}, {@code EventsDelivered}, {@code TasksRun},
 * {@code TimersRun}, {@code HandlerTimeMillis}, {@code LongestPassMicros},
 * {@code BlockedEpisodes}, {@code AcceptPauses}, {@code BytesIn}, {@code BytesOut},
 * {@code ConnectionsAccepted}, {@code ConnectionsClosed}). Reading adds nothing to the
 * loop's own work. A dynamic MBean, so that JMX needs no reflective access into this
 * module.
 */
public final class LoopMBean implements DynamicMBean {

    /** The JMX domain. */
    public static final String DOMAIN = "io.asyncore";

    private static final System.Logger LOG = io.asyncore.spi.Logging.logger(LoopMBean.class.getName());

    /** The counter attributes, in the order shown. */
    private static final Map<String, Counter> COUNTERS = new LinkedHashMap<>();

    private record Counter(String description, ToLongFunction<LoopCounters> read) {}

    static {
        counter("Passes", "passes made", LoopCounters::passes);
        counter("EventsDelivered", "events delivered to dispatchers, timeouts included", LoopCounters::eventsDelivered);
        counter("TasksRun", "tasks run from execute()", LoopCounters::tasksRun);
        counter("TimersRun", "timer tasks run", LoopCounters::timersRun);
        counter("HandlerTimeMillis", "milliseconds spent in dispatcher hooks", c -> c.handlerNanos() / 1_000_000);
        counter("LongestPassMicros", "the longest a pass kept the loop thread busy, in microseconds",
                c -> c.longestPassNanos() / 1_000);
        counter("BlockedEpisodes", "passes the blocked-loop watchdog reported", LoopCounters::blockedEpisodes);
        counter("AcceptPauses", "times a listener paused accepting: descriptors ran out", LoopCounters::acceptPauses);
        counter("BytesIn", "bytes received", LoopCounters::bytesIn);
        counter("BytesOut", "bytes sent", LoopCounters::bytesOut);
        counter("ConnectionsAccepted", "connections accepted", LoopCounters::connectionsAccepted);
        counter("ConnectionsClosed", "connections closed", LoopCounters::connectionsClosed);
    }

    private static void counter(String name, String description, ToLongFunction<LoopCounters> read) {
        COUNTERS.put(name, new Counter(description, read));
    }

    private final EventLoop loop;
    private final LoopCounters counters;

    private LoopMBean(EventLoop loop) {
        this.loop = loop;
        this.counters = loop.map().counters();
    }

    /**
     * Registers the MBean of {@code loop} as {@code io.asyncore:type=EventLoop,name="<name>"}
     * (with {@code ,instance=N} added if another loop of that name is registered already).
     * A JVM whose MBean server refuses costs one DEBUG line: the loop runs without its MBean.
     *
     * @param loop the loop
     * @return the name registered, to pass to {@link #unregister}; null if none
     */
    public static ObjectName register(EventLoop loop) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            String base = DOMAIN + ":type=EventLoop,name=" + ObjectName.quote(loop.name());
            for (int instance = 1; instance < 1000; instance++) {
                ObjectName name = new ObjectName(instance == 1 ? base : base + ",instance=" + instance);
                try {
                    return server.registerMBean(new LoopMBean(loop), name).getObjectName();
                } catch (InstanceAlreadyExistsException taken) {
                    // another loop of the same name: try the next instance number
                }
            }
        } catch (JMException | RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "no MBean for event loop " + loop.name() + ": " + e);
        }
        return null;
    }

    /**
     * Removes an MBean registered by {@link #register}.
     *
     * @param name its name, or null
     */
    public static void unregister(ObjectName name) {
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "unregistering " + name + ": " + e);
        }
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        switch (attribute) {
            case "Name":
                return loop.name();
            case "Closed":
                return loop.isClosed();
            case "Channels":
                return loop.map().size();
            default:
                Counter c = COUNTERS.get(attribute);
                if (c == null) {
                    throw new AttributeNotFoundException("no attribute " + attribute + " on event loop " + loop.name());
                }
                return c.read().applyAsLong(counters);
        }
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        AttributeList list = new AttributeList();
        for (String a : attributes) {
            try {
                list.add(new Attribute(a, getAttribute(a)));
            } catch (AttributeNotFoundException e) {
                // JMX: unknown attributes are left out of the answer
            }
        }
        return list;
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("event loop attributes are read-only: " + attribute.getName());
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        throw new ReflectionException(new NoSuchMethodException(actionName), "event loop MBeans have no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        MBeanAttributeInfo[] attributes = new MBeanAttributeInfo[3 + COUNTERS.size()];
        attributes[0] = new MBeanAttributeInfo("Name", "java.lang.String", "the loop's name", true, false, false);
        attributes[1] = new MBeanAttributeInfo("Closed", "boolean", "whether the loop was closed", true, false, true);
        attributes[2] = new MBeanAttributeInfo("Channels", "int", "dispatchers in the loop's map now", true, false, false);
        int i = 3;
        for (Map.Entry<String, Counter> e : COUNTERS.entrySet()) {
            attributes[i++] = new MBeanAttributeInfo(e.getKey(), "long", e.getValue().description(), true, false, false);
        }
        return new MBeanInfo(LoopMBean.class.getName(), "asyncore event loop " + loop.name(), attributes, null,
                new MBeanOperationInfo[0], null);
    }
}
