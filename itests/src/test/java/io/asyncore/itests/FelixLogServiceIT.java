package io.asyncore.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import io.asyncore.EventLoop;
import io.asyncore.spi.Engines;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.LogService;

/**
 * In Apache Felix with the Felix Log Service installed, the engine's log lines go through
 * the Log Service and are credited to the {@code io.asyncore.impl} bundle.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FelixLogServiceIT {

    @Inject
    private BundleContext context;

    /**
     * The framework: api and impl from this build, and the Felix Log Service.
     *
     * @return the options
     */
    @Configuration
    public Option[] config() {
        return options(
                systemProperty("org.ops4j.pax.url.mvn.localRepository")
                        .value(Reactor.property("org.ops4j.pax.url.mvn.localRepository")),
                mavenBundle("org.apache.felix", "org.apache.felix.log", "1.3.0"),
                CoreOptions.bundle(Reactor.bundle("io.asyncore.api")),
                CoreOptions.bundle(Reactor.bundle("io.asyncore.impl")),
                junitBundles(),
                cleanCaches());
    }

    /**
     * A blocked pass's WARNING (the Log Service's default level for every bundle is WARN)
     * is a Log Service entry of the impl bundle.
     */
    @Test
    public void aBlockedLoopWarningIsCreditedToTheImplBundle() throws Exception {
        ServiceReference<LogReaderService> ref = context.getServiceReference(LogReaderService.class);
        assertNotNull("the Felix Log Service offers a LogReaderService", ref);
        LogReaderService reader = context.getService(ref);
        List<LogEntry> entries = new CopyOnWriteArrayList<>();
        LogListener listener = entries::add;
        reader.addLogListener(listener);
        System.setProperty("asyncore.blocked.threshold.ms", "100");
        try (EventLoop loop = Engines.get().startEventLoop("log-credit", Duration.ofSeconds(30))) {
            loop.execute(() -> {
                try {
                    Thread.sleep(600); // holds the loop thread: the watchdog warns
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline && entries.stream().noneMatch(FelixLogServiceIT::blocked)) {
                Thread.sleep(10);
            }
            LogEntry entry = entries.stream().filter(FelixLogServiceIT::blocked).findFirst()
                    .orElseThrow(() -> new AssertionError("no blocked-loop warning in " + entries.stream()
                            .map(e -> e.getBundle().getSymbolicName() + ": " + e.getMessage()).toList()));
            assertEquals("io.asyncore.impl", entry.getBundle().getSymbolicName());
            assertEquals(LogService.LOG_WARNING, entry.getLevel());
        } finally {
            System.clearProperty("asyncore.blocked.threshold.ms");
            reader.removeLogListener(listener);
            context.ungetService(ref);
        }
    }

    private static boolean blocked(LogEntry e) {
        return e.getMessage().startsWith("event loop log-credit blocked for");
    }
}
