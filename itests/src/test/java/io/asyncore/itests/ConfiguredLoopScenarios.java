package io.asyncore.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import io.asyncore.testkit.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Loops from Config Admin, run inside a real framework by the Felix and Karaf subclasses:
 * factory configurations {@code io.asyncore.loop} start named loops (and loop groups) that
 * whiteboard dispatchers target with {@code asyncore.target}; updating a configuration
 * restarts its loop and the dispatchers move to the new one; deleting it stops the loop;
 * a bad value is refused in one line naming PID, key and value while the other loops run.
 */
public abstract class ConfiguredLoopScenarios {

    static final String FACTORY_PID = "io.asyncore.loop";
    static final String DEFAULT_LOOP = "asyncore-default";
    static final String DS_PID = "io.asyncore.examples.echo";
    static final String DS_COMPONENT = "io.asyncore.examples.ds.EchoComponent";

    @Inject
    protected BundleContext context;

    private final List<Configuration> configurations = new ArrayList<>();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<Dispatcher> listeners = new ArrayList<>();

    @After
    public void cleanUp() throws Exception {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the test unregistered it
            }
        }
        for (Configuration c : configurations) {
            try {
                c.delete();
            } catch (IllegalStateException alreadyDeleted) {
                // the test deleted it
            }
        }
        for (String name : new String[] {"alpha", "beta", "gamma", "bad"}) {
            Await.until("loop " + name + " gone", () -> loopReference(name) == null);
        }
        for (Dispatcher d : listeners) {
            d.close(); // never adopted ones are left to their owner: this test
        }
    }

    @Test
    public void twoConfiguredLoopsServeTheDispatchersTargetedAtEach() throws Exception {
        configure("alpha", Map.of("select.timeout.ms", "200"));
        configure("beta", Map.of("thread.priority", "7"));
        EventLoop alpha = loop("alpha");
        EventLoop beta = loop("beta");
        Recorder onAlpha = register(new Recorder(), "(name=alpha)");
        Recorder onBeta = register(new Recorder(), "(name=beta)");
        Recorder onDefault = register(new Recorder(), null);

        Await.until("adopted by alpha", () -> alpha.map().contains(onAlpha));
        Await.until("adopted by beta", () -> beta.map().contains(onBeta));
        Await.until("untargeted: adopted by the default loop", () -> loop(DEFAULT_LOOP).map().contains(onDefault));
        assertEquals("alpha", onAlpha.acceptingThread());
        assertEquals("beta", onBeta.acceptingThread());
        assertEquals(DEFAULT_LOOP, onDefault.acceptingThread());
        assertEquals(7, thread("beta").getPriority());
        assertEquals(Thread.NORM_PRIORITY, thread("alpha").getPriority());
        assertEquals(200L, loopReference("alpha").getProperty("asyncore.select.timeout.ms"));

        String loops = command("loops");
        assertTrue(loops, loops.contains("alpha") && loops.contains("beta") && loops.contains(DEFAULT_LOOP));
        String channels = command("channels");
        assertTrue(channels, channels.contains("loop alpha: 1 channels") && channels.contains("loop beta: 1 channels"));
    }

    @Test
    public void aLoopGroupRunsNLoopsBehindOneNameAndSpreadsItsDispatchers() throws Exception {
        configure("gamma", Map.of("loops", "2"));
        Await.until("two loops named gamma", () -> loopReferences("(name=gamma)").size() == 2);
        Recorder first = register(new Recorder(), "(name=gamma)");
        Recorder second = register(new Recorder(), "(name=gamma)");
        List<String> threads = List.of(first.acceptingThread(), second.acceptingThread());
        assertTrue(threads.toString(), threads.containsAll(List.of("gamma-0", "gamma-1")));
    }

    @Test
    public void anUpdatedConfigurationRestartsItsLoopAndTheDispatchersMoveOver() throws Exception {
        Configuration c = configure("alpha", Map.of("select.timeout.ms", "200"));
        EventLoop before = loop("alpha");
        Recorder listener = register(new Recorder(), "(name=alpha)");
        Await.until("adopted", () -> before.map().contains(listener));
        try (Socket client = listener.connect()) {
            assertEquals("alpha", listener.acceptedOn.get(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS));
        }

        c.update(properties("alpha", Map.of("select.timeout.ms", "300")));
        Await.until("the loop restarted with the new timeout",
                () -> loopReference("alpha") != null
                        && Long.valueOf(300).equals(loopReference("alpha").getProperty("asyncore.select.timeout.ms")));
        EventLoop after = loop("alpha");
        assertNotEquals(before, after);
        Await.until("the old loop closed", before::isClosed);
        Await.until("the dispatcher adopted by the new loop", () -> after.map().contains(listener));
        assertFalse("moved, not closed: its service is still registered", listener.isClosed());
        // isClosed() says close() was called: the old thread may still be ending
        Await.until("one loop thread named alpha: the old one ended",
                () -> Measure.take("alpha").loopThreads() == 1);
        assertEquals("alpha", listener.acceptingThread());
    }

    @Test
    public void aDeletedConfigurationStopsItsLoopAndItsDispatchersWaitUnadopted() throws Exception {
        Configuration c = configure("alpha", Map.of());
        EventLoop alpha = loop("alpha");
        Recorder listener = register(new Recorder(), "(name=alpha)");
        Await.until("adopted", () -> alpha.map().contains(listener));

        c.delete();
        Await.until("the loop service is gone", () -> loopReference("alpha") == null);
        Await.until("the loop closed", alpha::isClosed);
        Await.until("its thread ended", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("alpha")));
        assertFalse("detached, not closed: its service is still registered", listener.isClosed());
        String unadopted = Await.value("reported as unadopted", () -> {
            String out = command("unadopted");
            return out.contains("(name=alpha) matches no loop") ? out : null;
        });
        assertNotNull(unadopted);
        assertFalse("the default loop runs on", loop(DEFAULT_LOOP).isClosed());

        configure("alpha", Map.of()); // the same name again: the waiting dispatcher joins it
        Await.until("adopted by the new alpha", () -> loop("alpha").map().contains(listener));
        assertEquals("alpha", listener.acceptingThread());
    }

    @Test
    public void aBadValueIsRefusedInOneLineWhileTheOtherLoopsRun() throws Exception {
        configure("beta", Map.of());
        loop("beta");
        Recorder onBeta = register(new Recorder(), "(name=beta)");
        Configuration bad = configure("bad", Map.of("select.timeout.ms", "soon"));
        String line = Await.value("the refusal listed", () -> command("loops").lines()
                .filter(l -> l.contains(bad.getPid())).findFirst().orElse(null));
        assertTrue(line, line.contains("select.timeout.ms = 'soon'") && line.contains("no loop started"));
        assertEquals(null, loopReference("bad"));
        assertEquals("beta", onBeta.acceptingThread());

        bad.update(properties("bad", Map.of("select.timeout.ms", "100")));
        Await.until("started once the value is fixed", () -> loopReference("bad") != null);
        assertFalse(command("loops").contains("refused"));
    }

    /**
     * Stopping {@code io.asyncore.impl} stops the configured loops too, leaving their
     * registered dispatchers open; the restarted bundle starts them again from their
     * configurations and they adopt the same dispatchers.
     */
    @Test
    public void aRestartedImplRestartsTheConfiguredLoopsAndReadoptsTheirDispatchers() throws Exception {
        configure("alpha", Map.of());
        EventLoop before = loop("alpha");
        Recorder listener = register(new Recorder(), "(name=alpha)");
        Await.until("adopted", () -> before.map().contains(listener));
        org.osgi.framework.Bundle impl = java.util.Arrays.stream(context.getBundles())
                .filter(b -> "io.asyncore.impl".equals(b.getSymbolicName())).findFirst().orElseThrow();
        impl.stop();
        try {
            assertTrue("the configured loop stopped with the bundle", before.isClosed());
            assertEquals(null, loopReference("alpha"));
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("alpha")));
            assertFalse("detached, not closed: its service is still registered", listener.isClosed());
        } finally {
            impl.start();
        }
        Await.until("adopted by the restarted alpha", () -> loop("alpha").map().contains(listener));
        assertEquals("alpha", listener.acceptingThread());
    }

    // ------------------------------------------------------------------ Declarative Services

    /**
     * Bundle {@code io.asyncore.examples.ds}: a DS component that is a Dispatcher, its socket
     * made in {@code @Activate}, configured through its own configuration (host, port,
     * {@code asyncore.target}), is adopted by the loop it targets with no glue code, echoes,
     * and is closed when its component goes away (configuration deleted).
     */
    @Test
    public void aDeclarativeServicesComponentIsAdoptedByItsLoopAndClosedWithIt() throws Exception {
        configure("alpha", Map.of());
        EventLoop alpha = loop("alpha");
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Configuration component = admin().getConfiguration(DS_PID, "?");
        configurations.add(component);
        component.update(new Hashtable<>(Map.of("host", "127.0.0.1", "port", port, "asyncore.target", "(name=alpha)")));
        Dispatcher echo = Await.value("the component's Dispatcher service", () -> {
            try {
                var refs = context.getServiceReferences(Dispatcher.class, "(component.name=" + DS_COMPONENT + ")");
                return refs.isEmpty() ? null : context.getService(refs.iterator().next());
            } catch (InvalidSyntaxException e) {
                throw new AssertionError(e);
            }
        });
        Await.until("adopted by the loop it targets", () -> alpha.map().contains(echo));
        try (Socket s = new Socket()) {
            s.setSoTimeout((int) Await.LIMIT.toMillis());
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) Await.LIMIT.toMillis());
            s.getOutputStream().write("ds".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals("ds", new String(s.getInputStream().readNBytes(2), java.nio.charset.StandardCharsets.US_ASCII));
            String channels = command("channels");
            assertTrue(channels, channels.contains("loop alpha: 2 channels") && channels.contains("io.asyncore.examples.ds"));

            component.delete();
            Await.until("closed with its component", echo::isClosed);
            assertEquals("end of stream: the accepted connection closed too", -1, s.getInputStream().read());
        }
        Await.until("out of the loop", () -> !alpha.map().contains(echo));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) Await.LIMIT.toMillis());
            throw new AssertionError("127.0.0.1:" + port + " still accepts connections");
        } catch (java.net.ConnectException expected) {
            // nothing listens any more
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Runs {@code asyncore:<function>} on the command service, as the shell does. */
    protected String command(String function) {
        try {
            var refs = context.getServiceReferences((String) null, "(osgi.command.scope=asyncore)");
            assertNotNull("asyncore command service", refs);
            Object commands = context.getService(refs[0]);
            try {
                return (String) commands.getClass().getMethod(function).invoke(commands);
            } finally {
                context.ungetService(refs[0]);
            }
        } catch (ReflectiveOperationException | InvalidSyntaxException e) {
            throw new AssertionError("asyncore:" + function + " failed: " + e, e);
        }
    }

    private ConfigurationAdmin admin() {
        return Await.value("ConfigurationAdmin service", () -> {
            ServiceReference<ConfigurationAdmin> ref = context.getServiceReference(ConfigurationAdmin.class);
            return ref == null ? null : context.getService(ref);
        });
    }

    private Configuration configure(String name, Map<String, String> values) throws IOException {
        Configuration c = admin().getFactoryConfiguration(FACTORY_PID, name, "?");
        configurations.add(c);
        c.update(properties(name, values));
        return c;
    }

    private static Dictionary<String, Object> properties(String name, Map<String, String> values) {
        Hashtable<String, Object> p = new Hashtable<>(values);
        p.put("name", name);
        return p;
    }

    private <D extends Dispatcher> D register(D d, String target) {
        Hashtable<String, Object> properties = new Hashtable<>();
        if (target != null) {
            properties.put("asyncore.target", target);
        }
        registrations.add(context.registerService(Dispatcher.class, d, properties));
        listeners.add(d);
        return d;
    }

    private ServiceReference<EventLoop> loopReference(String name) {
        List<ServiceReference<EventLoop>> refs = loopReferences("(asyncore.loop.name=" + name + ")");
        return refs.isEmpty() ? null : refs.get(0);
    }

    private List<ServiceReference<EventLoop>> loopReferences(String filter) {
        try {
            return new ArrayList<>(context.getServiceReferences(EventLoop.class, filter));
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private EventLoop loop(String name) {
        ServiceReference<EventLoop> ref = Await.value("EventLoop service " + name, () -> loopReference(name));
        EventLoop loop = context.getService(ref);
        context.ungetService(ref); // the impl bundle keeps it alive
        return loop;
    }

    private static Thread thread(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + name));
    }

    /** A listener on 127.0.0.1 that records the thread its accepts run on. */
    static final class Recorder extends Dispatcher {
        final int port;
        volatile CompletableFuture<String> acceptedOn = new CompletableFuture<>();

        Recorder() throws IOException {
            createSocket(AddressFamily.INET);
            bind(new InetSocketAddress("127.0.0.1", 0));
            listen(4);
            port = ((InetSocketAddress) localAddress()).getPort();
        }

        @Override
        protected void handleAccepted(SocketChannel channel, SocketAddress peer) throws IOException {
            acceptedOn.complete(Thread.currentThread().getName());
            channel.close();
        }

        Socket connect() throws IOException {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) Await.LIMIT.toMillis());
            return s;
        }

        /** Connects once and answers the name of the thread that accepted. */
        String acceptingThread() throws Exception {
            acceptedOn = new CompletableFuture<>();
            try (Socket s = connect()) {
                return acceptedOn.get(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }
}
