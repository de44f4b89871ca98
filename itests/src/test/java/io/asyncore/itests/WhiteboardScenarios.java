package io.asyncore.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.asyncore.AddressFamily;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import io.asyncore.spi.Engines;
import io.asyncore.testkit.Await;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * The OSGi contract of {@code io.asyncore.impl}, run inside a real framework by the Felix
 * and Karaf subclasses: the EventLoop service, the dispatcher whiteboard with real
 * loopback clients, unregistration and bundle stops, impl restarts that re-adopt, the shell
 * commands, and 50 restart cycles that must leave no thread or file descriptor behind.
 */
public abstract class WhiteboardScenarios {

    static final String LOOP = "asyncore-default";
    static final String IMPL = "io.asyncore.impl";
    static final String API = "io.asyncore.api";
    /** Set by both subclasses' configuration, to see that framework properties reach the loop. */
    static final long SELECT_TIMEOUT_MS = 250;
    static final int CYCLES = 50;

    @Inject
    protected BundleContext context;

    private final List<Socket> clients = new ArrayList<>();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private Bundle echo;

    @Before
    public void installEchoBundle() throws Exception {
        assertActive(bundle(IMPL));
        echo = context.installBundle("asyncore-itests:echo", EchoBundle.jar());
    }

    @After
    public void cleanUp() throws Exception {
        for (Socket s : clients) {
            s.close();
        }
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the test unregistered it
            }
        }
        if (echo != null) {
            echo.uninstall();
        }
        Bundle impl = bundle(IMPL);
        if (impl.getState() != Bundle.ACTIVE) {
            impl.start(); // a failed cycle test must not take the other tests down
        }
    }

    // ------------------------------------------------------------------ the service

    @Test
    public void bundlesStartAndTheLoopIsAServiceWithItsProperties() throws Exception {
        assertActive(bundle(API));
        assertActive(bundle(IMPL));
        ServiceReference<EventLoop> ref = loopReference();
        assertEquals(LOOP, ref.getProperty("name"));
        assertEquals(LOOP, ref.getProperty("asyncore.loop.name"));
        assertEquals(SELECT_TIMEOUT_MS, ref.getProperty("asyncore.select.timeout.ms"));
        assertEquals(IMPL, ref.getBundle().getSymbolicName());
        EventLoop loop = context.getService(ref);
        try {
            assertEquals(LOOP, loop.name());
            assertFalse(loop.isClosed());
            assertFalse(loop.inEventLoop());
            assertThrows(UnsupportedOperationException.class, loop::close);
            assertEquals(1, Measure.take(LOOP).loopThreads());
        } finally {
            context.ungetService(ref);
        }
        String loops = command("loops");
        assertTrue(loops, loops.contains(LOOP) && loops.contains("running") && loops.contains(IMPL));
    }

    // ------------------------------------------------------------------ the whiteboard

    @Test
    public void registeredDispatcherServesRealClientsUntilUnregistered() throws Exception {
        echo.start();
        Dispatcher server = adoptedEchoServer();
        int port = echoPort();
        Socket a = connect(port);
        Socket b = connect(port);
        assertEchoes(a, "hello");
        assertEchoes(b, "world");

        String channels = command("channels");
        assertTrue(channels, channels.contains("3 channels"));
        assertTrue(channels, channels.contains(EchoBundle.SYMBOLIC_NAME));
        assertTrue(channels, channels.contains("accepting"));
        assertTrue(channels, channels.contains("connected"));
        assertTrue(channels, channels.contains("(child)"));

        service(Runnable.class, "(asyncore.itests=unregister)").run();

        assertEquals(Bundle.ACTIVE, echo.getState());
        assertTrue(server.isClosed());
        assertEof(a);
        assertEof(b);
        assertRefused(port);
        assertEquals(0, loop().map().size());
    }

    @Test
    public void theLoopsMBeanCountsTheEchoTrafficSent() throws Exception {
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name = new javax.management.ObjectName(
                "io.asyncore:type=EventLoop,name=" + javax.management.ObjectName.quote(LOOP));
        assertTrue("the loop's MBean is on the platform MBean server", jmx.isRegistered(name));
        long in = (Long) jmx.getAttribute(name, "BytesIn");
        long out = (Long) jmx.getAttribute(name, "BytesOut");
        long accepted = (Long) jmx.getAttribute(name, "ConnectionsAccepted");
        long closed = (Long) jmx.getAttribute(name, "ConnectionsClosed");
        echo.start();
        adoptedEchoServer();
        int port = echoPort();
        Socket a = connect(port);
        Socket b = connect(port);
        for (int i = 0; i < 50; i++) { // 2 x 50 x 1,000 bytes while the attributes are read
            assertEchoes(a, "a".repeat(1000));
            assertEchoes(b, "b".repeat(1000));
            assertTrue((Long) jmx.getAttribute(name, "BytesIn") >= in + 2000L * i);
        }
        close(a);
        close(b);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((Long) jmx.getAttribute(name, "ConnectionsClosed") < closed + 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(100_000L, (Long) jmx.getAttribute(name, "BytesIn") - in);
        assertEquals(100_000L, (Long) jmx.getAttribute(name, "BytesOut") - out);
        assertEquals(2L, (Long) jmx.getAttribute(name, "ConnectionsAccepted") - accepted);
        assertEquals(2L, (Long) jmx.getAttribute(name, "ConnectionsClosed") - closed);
    }

    @Test
    public void stoppingTheRegisteringBundleClosesItsListenerAndConnections() throws Exception {
        echo.start();
        Dispatcher server = adoptedEchoServer();
        int port = echoPort();
        Socket a = connect(port);
        Socket b = connect(port);
        assertEchoes(a, "one");
        assertEchoes(b, "two");

        echo.stop();

        assertTrue(server.isClosed());
        assertEof(a);
        assertEof(b);
        assertRefused(port);
        assertEquals(0, loop().map().size());
    }

    /**
     * Stopping the impl bundle ends the loop: connections spawned by a registered
     * dispatcher close (no thread serves them), but the registered dispatcher is only
     * detached, its listening socket open, because its service is still there. The
     * restarted impl adopts it again: same dispatcher, same port.
     */
    @Test
    public void restartedImplReadoptsStillRegisteredDispatchers() throws Exception {
        echo.start();
        Dispatcher server = adoptedEchoServer();
        int port = echoPort();
        Socket a = connect(port);
        assertEchoes(a, "before");

        ChannelMap oldMap = loop().map();
        Bundle impl = bundle(IMPL);
        impl.stop();
        assertNull(context.getServiceReference(EventLoop.class));
        assertEquals(0, Measure.take(LOOP).loopFamily());
        assertNoEngine();
        assertEof(a);
        assertFalse("the registered dispatcher stays open while its service is registered", server.isClosed());
        assertFalse("detached from the stopped loop", oldMap.contains(server));
        assertFalse(ChannelMap.defaultMap().contains(server));

        impl.start();
        assertEquals(server, adoptedEchoServer());
        Socket b = connect(port);
        assertEchoes(b, "after");
        assertEquals(1, Measure.take(LOOP).loopThreads());
    }

    @Test
    public void targetFilterSelectsTheLoopAndUnadoptedDispatchersAreReported() throws Exception {
        Listener matching = new Listener();
        Listener elsewhere = new Listener();
        Dispatcher socketless = new Dispatcher() {
            @Override
            public String toString() {
                return "<socketless test dispatcher>";
            }
        };
        ServiceRegistration<Dispatcher> m = register(matching, "(name=" + LOOP + ")");
        ServiceRegistration<Dispatcher> e = register(elsewhere, "(name=elsewhere)");
        ServiceRegistration<Dispatcher> s = register(socketless, null);
        Listener closedEarly = new Listener();
        closedEarly.close();
        ServiceRegistration<Dispatcher> c = register(closedEarly, null);

        Await.until("dispatcher with a matching asyncore.target adopted", () -> loop().map().contains(matching));
        String unadopted = Await.value("the three unadopted dispatchers reported", () -> {
            String out = command("unadopted");
            return out.contains("matches no loop") && out.contains("has no socket")
                    && out.contains("was closed before the loop could adopt it") ? out : null;
        });
        assertTrue(unadopted, unadopted.contains("service " + serviceId(c) + " of "));
        assertTrue(unadopted, unadopted.contains("service " + serviceId(e) + " of "));
        assertTrue(unadopted, unadopted.contains("service " + serviceId(s) + " of "));
        assertFalse(unadopted, unadopted.contains("service " + serviceId(m) + " of "));
        assertFalse(loop().map().contains(elsewhere));
        assertFalse("an unadopted dispatcher stays open while its service is registered", elsewhere.isClosed());
        String channels = command("channels");
        assertTrue(channels, channels.contains("3 unadopted dispatcher service(s)"));

        m.unregister();
        e.unregister();
        s.unregister();
        c.unregister();
        assertTrue(matching.isClosed());
        assertRefused(matching.port);
        assertTrue("the whiteboard owns what it has seen: closed with its service though never adopted",
                elsewhere.isClosed());
        assertRefused(elsewhere.port);
        assertEquals("no unadopted dispatchers\n", command("unadopted"));
    }

    /**
     * Changing {@code asyncore.target} on a registered service moves the dispatcher in and
     * out of the loop: adopted when the filter starts to match, detached (still open) and
     * reported when it stops matching.
     */
    @Test
    public void changingTheTargetPropertyAdoptsAndDetaches() throws Exception {
        Listener listener = new Listener();
        ServiceRegistration<Dispatcher> r = register(listener, "(name=elsewhere)");
        Await.until("reported as unadopted", () -> command("unadopted").contains("service " + serviceId(r) + " of "));
        assertFalse(loop().map().contains(listener));

        r.setProperties(new Hashtable<>(java.util.Map.of("asyncore.target", "(name=" + LOOP + ")")));
        Await.until("adopted once the target matches", () -> loop().map().contains(listener));
        assertEquals("no unadopted dispatchers\n", command("unadopted"));
        try (Socket s = connect(listener.port)) {
            assertTrue(s.isConnected());
        }

        r.setProperties(new Hashtable<>(java.util.Map.of("asyncore.target", "(name=nowhere)")));
        Await.until("detached once the target no longer matches", () -> !loop().map().contains(listener));
        assertFalse("detached, not closed: the service is still registered", listener.isClosed());
        assertTrue(command("unadopted").contains("(name=nowhere) matches no loop"));

        r.unregister();
        assertTrue("unadopted at unregistration: closed with its service", listener.isClosed());
        // the loop that served it before it was detached frees the descriptor when woken
        Await.until("the detached listener's port is released", () -> refused(listener.port));
        assertRefused(listener.port);
    }

    // ------------------------------------------------------------------ io.asyncore.file

    /**
     * Bundle {@code io.asyncore.file} (Java 22+) resolves against the api, and its
     * FileDispatcher reads a named pipe inside the framework's loop: java.lang.foreign and
     * the file readiness source work from a bundle.
     */
    @Test
    public void fileBundleResolvesAndReadsANamedPipeInTheLoop() throws Exception {
        assertActive(bundle("io.asyncore.file"));
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("asyncore-itests");
        java.nio.file.Path fifo = dir.resolve("pipe");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals("mkfifo exit status", 0, mkfifo.waitFor());
        // read-write: opening a FIFO this way neither blocks nor sees end of file early
        try (java.io.RandomAccessFile pipe = new java.io.RandomAccessFile(fifo.toFile(), "rw")) {
            FifoReader reader = new FifoReader(FifoReader.descriptorOf(fifo), loop().map(), 4);
            try {
                pipe.write("ping".getBytes(StandardCharsets.UTF_8));
                assertEquals("ping", reader.received.get(Await.LIMIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
                String channels = command("channels");
                assertTrue(channels, channels.contains("FifoReader"));
            } finally {
                loop().execute(reader::close);
            }
            Await.until("FileDispatcher closed on the loop thread", () -> reader.isClosed() && !loop().map().contains(reader));
        } finally {
            java.nio.file.Files.deleteIfExists(fifo);
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    // ------------------------------------------------------------------ the shell

    /**
     * Runs one command line in the framework's shell (Gogo in Felix, the Karaf console in
     * Karaf) and answers what it printed and returned.
     *
     * @param commandLine the command line
     * @return the output
     * @throws Exception if the shell fails the command
     */
    protected abstract String shell(String commandLine) throws Exception;

    @Test
    public void shellFindsTheCommandsThroughTheirServiceProperties() throws Exception {
        echo.start();
        adoptedEchoServer();
        Socket a = connect(echoPort());
        assertEchoes(a, "shell");
        String loops = shell("asyncore:loops");
        assertTrue(loops, loops.contains(LOOP) && loops.contains("running"));
        String channels = shell("asyncore:channels");
        assertTrue(channels, channels.contains("2 channels") && channels.contains(EchoBundle.SYMBOLIC_NAME)
                && channels.contains("accepting") && channels.contains("connected"));
        String unadopted = shell("asyncore:unadopted");
        assertTrue(unadopted, unadopted.contains("no unadopted dispatchers"));
    }

    // ------------------------------------------------------------------ leaks

    @Test
    public void fiftyRestartCyclesWithLiveConnectionsLeaveNoThreadOrFd() throws Exception {
        echo.start();
        Dispatcher server = adoptedEchoServer();
        cycle(server); // warm-up: lazily created framework resources are not leaks
        server = adoptedEchoServer();
        Measure before = Measure.take(LOOP);
        long start = System.nanoTime();
        for (int i = 0; i < CYCLES; i++) {
            server = cycle(server);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Measure after = Measure.take(LOOP);
        String report = getClass().getSimpleName() + ": " + CYCLES + " cycles (impl stop/start and echo bundle"
                + " stop/start, each with live connections) in " + millis + " ms; before " + before
                + ", after " + after;
        System.out.println(report);
        assertEquals(report, 1, before.loopThreads());
        assertEquals(report, 1, after.loopThreads());
        assertEquals(report, before.loopFamily(), after.loopFamily());
        assertTrue(report, after.threads() <= before.threads());
        // Not equal: the framework may close a descriptor of its own meanwhile; none may be added.
        assertTrue(report, after.sockets() <= before.sockets());
        assertTrue(report, after.epolls() <= before.epolls());
        assertTrue(report, after.fds() <= before.fds());
    }

    /** One impl restart and one echo bundle restart, each with live connections. */
    private Dispatcher cycle(Dispatcher server) throws Exception {
        int port = echoPort();
        Socket a = connect(port);
        assertEchoes(a, "x");
        Bundle impl = bundle(IMPL);
        impl.stop();
        assertEof(a);
        impl.start();
        adoptedEchoServer();
        Socket b = connect(port);
        assertEchoes(b, "y");
        echo.stop();
        assertEof(b);
        assertTrue(server.isClosed());
        assertRefused(port);
        echo.start();
        close(a);
        close(b);
        return adoptedEchoServer();
    }

    // ------------------------------------------------------------------ helpers

    /** A listening dispatcher on 127.0.0.1 registered by the probe itself. */
    static final class Listener extends Dispatcher {
        final int port;

        Listener() throws IOException {
            createSocket(AddressFamily.INET);
            bind(new InetSocketAddress("127.0.0.1", 0));
            listen(4);
            port = ((InetSocketAddress) localAddress()).getPort();
        }
    }

    /**
     * The stopped impl bundle uninstalled its engine: nothing is found. The context class
     * loader is cleared for the check, as on a framework thread: Felix's native container
     * runs inside the test JVM, whose class path holds the impl jar too.
     */
    private static void assertNoEngine() {
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(null);
        try {
            IllegalStateException e = assertThrows("the stopped bundle's engine is uninstalled",
                    IllegalStateException.class, Engines::get);
            assertTrue(e.getMessage(), e.getMessage().contains("no asyncore engine"));
        } finally {
            thread.setContextClassLoader(context);
        }
    }

    private ServiceRegistration<Dispatcher> register(Dispatcher d, String target) {
        Hashtable<String, Object> properties = new Hashtable<>();
        if (target != null) {
            properties.put("asyncore.target", target);
        }
        ServiceRegistration<Dispatcher> r = context.registerService(Dispatcher.class, d, properties);
        registrations.add(r);
        return r;
    }

    private static long serviceId(ServiceRegistration<?> r) {
        return (Long) r.getReference().getProperty(Constants.SERVICE_ID);
    }

    protected Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles())
                .filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("bundle " + symbolicName + " is not installed"));
    }

    protected static void assertActive(Bundle b) {
        assertEquals(b.getSymbolicName() + " state", Bundle.ACTIVE, b.getState());
    }

    private ServiceReference<EventLoop> loopReference() {
        return Await.value("EventLoop service (name=" + LOOP + ")", () -> {
            try {
                var refs = context.getServiceReferences(EventLoop.class, "(name=" + LOOP + ")");
                return refs.isEmpty() ? null : refs.iterator().next();
            } catch (InvalidSyntaxException e) {
                throw new AssertionError(e);
            }
        });
    }

    /** The current EventLoop service object (a new one after every impl restart). */
    protected EventLoop loop() {
        ServiceReference<EventLoop> ref = loopReference();
        EventLoop loop = context.getService(ref);
        assertNotNull(loop);
        context.ungetService(ref); // the impl bundle keeps it alive; only its map is used
        return loop;
    }

    private <T> T service(Class<T> type, String filter) {
        return Await.value(type.getSimpleName() + " service " + filter, () -> {
            try {
                var refs = context.getServiceReferences(type, filter);
                return refs.isEmpty() ? null : context.getService(refs.iterator().next());
            } catch (InvalidSyntaxException e) {
                throw new AssertionError(e);
            }
        });
    }

    private Dispatcher adoptedEchoServer() throws InterruptedException {
        Dispatcher server = service(Dispatcher.class, "(asyncore.itests=echo)");
        Await.until("echo server adopted by the loop", () -> loop().map().contains(server));
        return server;
    }

    private int echoPort() throws InvalidSyntaxException {
        var refs = context.getServiceReferences(Dispatcher.class, "(asyncore.itests=echo)");
        assertFalse("echo server service", refs.isEmpty());
        return (Integer) refs.iterator().next().getProperty("port");
    }

    /**
     * Calls one of the {@code asyncore:*} shell commands on its service, found by the
     * Gogo properties, the way the shell does (reflection, no Gogo types).
     */
    protected String command(String function) {
        try {
            var refs = context.getServiceReferences((String) null, "(osgi.command.scope=asyncore)");
            assertNotNull("asyncore command service", refs);
            assertEquals(1, refs.length);
            List<String> functions = Arrays.asList((String[]) refs[0].getProperty("osgi.command.function"));
            assertTrue(functions.toString(), functions.contains(function));
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

    private Socket connect(int port) throws IOException {
        Socket s = new Socket();
        clients.add(s);
        s.setSoTimeout((int) Await.LIMIT.toMillis());
        s.connect(new InetSocketAddress("127.0.0.1", port), (int) Await.LIMIT.toMillis());
        return s;
    }

    private void close(Socket s) throws IOException {
        s.close();
        clients.remove(s);
    }

    private static void assertEchoes(Socket s, String text) throws IOException {
        byte[] sent = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(sent);
        s.getOutputStream().flush();
        byte[] back = s.getInputStream().readNBytes(sent.length);
        assertEquals(text, new String(back, StandardCharsets.UTF_8));
    }

    private static void assertEof(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        assertEquals("end of stream from the server", -1, in.read());
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) Await.LIMIT.toMillis());
            return false;
        } catch (ConnectException expected) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void assertRefused(int port) {
        for (int attempt = 0; attempt < 10; attempt++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), (int) Await.LIMIT.toMillis());
                if (s.getLocalPort() == port) {
                    continue; // TCP self-connect: the port is in the ephemeral range and the
                              // client happened to get it; nothing listened. Try again.
                }
                fail("127.0.0.1:" + port + " still accepts connections");
            } catch (ConnectException expected) {
                return; // nothing listens any more
            } catch (IOException e) {
                throw new AssertionError("connect to 127.0.0.1:" + port + ": " + e, e);
            }
        }
        fail("127.0.0.1:" + port + ": every connect attempt was a self-connect");
    }
}
