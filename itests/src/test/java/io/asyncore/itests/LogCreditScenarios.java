package io.asyncore.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import io.asyncore.AddressFamily;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import io.asyncore.spi.Engines;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.LogService;

/**
 * The engine's INFO and WARNING lines reach the framework's OSGi Log Service credited to the
 * {@code io.asyncore.impl} bundle, read back the way a log viewer does: a
 * {@link LogListener} on the framework's {@link LogReaderService} (the Felix Log Service
 * in Felix, pax-logging in Karaf). Subclasses configure the framework so that the
 * {@code io.asyncore.impl} bundle logs at INFO.
 */
public abstract class LogCreditScenarios {

    private static final String IMPL = "io.asyncore.impl";

    @Inject
    protected BundleContext context;

    private ServiceReference<LogReaderService> readerRef;
    private LogReaderService reader;
    private final LogListener listener = this::logged;
    /** What the framework's Log Service reported while the test ran. */
    private final List<LogEntry> entries = new CopyOnWriteArrayList<>();

    /** Listens to the framework's Log Service. */
    @Before
    public void listenToTheLog() {
        readerRef = context.getServiceReference(LogReaderService.class);
        assertNotNull("the framework's Log Service offers a LogReaderService", readerRef);
        reader = context.getService(readerRef);
        reader.addLogListener(listener);
    }

    /** Stops listening. */
    @After
    public void stopListening() {
        reader.removeLogListener(listener);
        context.ungetService(readerRef);
    }

    private void logged(LogEntry entry) {
        entries.add(entry);
    }

    /**
     * A loop started and stopped, and a whiteboard dispatcher adopted and dropped, each
     * log one INFO line whose bundle is {@code io.asyncore.impl}.
     *
     * @throws Exception if the framework fails the test
     */
    @Test
    public void loopAndWhiteboardInfoLinesAreCreditedToTheImplBundle() throws Exception {
        try (EventLoop loop = Engines.get().startEventLoop("log-credit", Duration.ofSeconds(30))) {
            assertFromImpl(LogService.LOG_INFO, "loop start", e -> e.getMessage().equals("event loop log-credit started"));
        }
        assertFromImpl(LogService.LOG_INFO, "loop stop", e -> e.getMessage().equals("event loop log-credit stopped"));

        Dispatcher listening = new Dispatcher(new ChannelMap("log-credit-unadopted")) {};
        listening.createSocket(AddressFamily.INET);
        listening.bind(new InetSocketAddress("127.0.0.1", 0));
        listening.listen(5);
        listening.delChannel(); // in no map until the whiteboard adopts it
        // the dispatcher's repr ends with its identity, which the whiteboard's lines show
        String id = " at 0x" + Integer.toHexString(System.identityHashCode(listening)) + ">";
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("asyncore.itests", "log-credit");
        ServiceRegistration<Dispatcher> registration = context.registerService(Dispatcher.class, listening, properties);
        try {
            assertFromImpl(LogService.LOG_INFO, "whiteboard adoption",
                    e -> e.getMessage().contains(" adopted ") && e.getMessage().contains(id));
        } finally {
            registration.unregister();
        }
        assertFromImpl(LogService.LOG_INFO, "whiteboard drop", e -> e.getMessage().contains(id)
                && !e.getMessage().contains(" adopted ") && e.getMessage().matches("(?s).*\\b(dropped|closed)\\b.*"));
    }

    /**
     * A blocked pass's WARNING, from the loop's watchdog thread, is an entry of the impl
     * bundle too.
     *
     * @throws Exception if the framework fails the test
     */
    @Test
    public void aBlockedLoopWarningIsCreditedToTheImplBundle() throws Exception {
        System.setProperty("asyncore.blocked.threshold.ms", "100");
        try (EventLoop loop = Engines.get().startEventLoop("log-blocked", Duration.ofSeconds(30))) {
            loop.execute(() -> {
                try {
                    Thread.sleep(600); // holds the loop thread: the watchdog warns
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertFromImpl(LogService.LOG_WARNING, "blocked pass",
                    e -> e.getMessage().startsWith("event loop log-blocked blocked for"));
        } finally {
            System.clearProperty("asyncore.blocked.threshold.ms");
        }
    }

    /** Waits (bounded) for an entry {@code which} matches; it must be at {@code level}, from the impl bundle. */
    private void assertFromImpl(int level, String what, Predicate<LogEntry> which) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && entries.stream().noneMatch(which)) {
            Thread.sleep(10);
        }
        LogEntry entry = entries.stream().filter(which).findFirst()
                .orElseThrow(() -> new AssertionError("no log entry for the " + what + " among " + entries.stream()
                        .map(e -> e.getBundle().getSymbolicName() + " " + e.getLevel() + ": " + e.getMessage())
                        .toList()));
        assertEquals(what + ": " + entry.getMessage(), IMPL, entry.getBundle().getSymbolicName());
        assertEquals(what + ": " + entry.getMessage(), level, entry.getLevel());
    }
}
