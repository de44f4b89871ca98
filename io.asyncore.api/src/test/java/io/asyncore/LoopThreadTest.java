package io.asyncore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.spi.Engine;
import io.asyncore.spi.Engines;
import io.asyncore.spi.Logging;
import io.asyncore.spi.LoopDriver;
import io.asyncore.spi.LoopHooks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The core's event loop over an engine that supplies nothing but an in-memory backend and,
 * through {@link LoopHooks}, what it adds around the thread.
 */
class LoopThreadTest {

    private final FakeBackend backend = new FakeBackend();
    private final Engine engine = () -> backend;
    private final Lines sink = new Lines();
    private final List<String> logged = sink.lines;

    /** Keeps what the loop logs, so that the build stays quiet and the test can read it. */
    private static final class Lines implements Logging.Sink {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        @Override
        public boolean isLoggable(String logger, System.Logger.Level level) {
            return logger.startsWith("io.asyncore.");
        }

        @Override
        public void log(String logger, System.Logger.Level level, String message, Throwable error) {
            lines.add(error == null ? level + " " + message : level + " " + message + ": " + error);
        }
    }

    @BeforeEach
    void install() {
        Engines.install(engine);
        Logging.install(sink);
    }

    @AfterEach
    void uninstall() {
        Logging.uninstall(sink);
        Engines.uninstall(engine);
    }

    @Test
    void theLoopRunsTasksOnItsThreadBetweenTheEnginesHooks() throws Exception {
        List<String> hooks = Collections.synchronizedList(new ArrayList<>());
        LoopHooks recorded = new LoopHooks() {
            @Override
            public void starting(EventLoop loop, Thread thread) {
                hooks.add("starting " + thread.getName() + (thread.isAlive() ? " running" : " not started"));
            }

            @Override
            public void ended(EventLoop loop) {
                hooks.add("ended on " + Thread.currentThread().getName() + (backend.closed ? ", backend closed" : ""));
            }
        };
        EventLoop loop = LoopDriver.start("hooked", Duration.ofSeconds(30), Thread.NORM_PRIORITY, recorded);
        CompletableFuture<String> ranOn = new CompletableFuture<>();
        loop.execute(() -> ranOn.complete(Thread.currentThread().getName()));
        assertEquals("hooked", ranOn.get(10, TimeUnit.SECONDS), "the task ran on the loop's thread");
        assertTrue(backend.waits.contains(30_000L), "the loop waits in the engine's backend: " + backend.waits);
        loop.close();
        assertTrue(loop.isClosed());
        assertEquals(List.of("starting hooked not started", "ended on hooked, backend closed"), hooks);
        assertEquals(List.of("INFO event loop hooked started", "INFO event loop hooked stopped"), logged);
    }

    @Test
    void anEnginesDefaultStartEventLoopIsTheCoresLoop() throws Exception {
        EventLoop loop = engine.startEventLoop("plain", Duration.ofSeconds(30));
        ChannelMap[] served = new ChannelMap[1];
        CompletableFuture<Boolean> ran = new CompletableFuture<>();
        loop.execute(() -> {
            served[0] = loop.map();
            ran.complete(loop.inEventLoop() && loop.map().isLoopThread());
        });
        assertTrue(ran.get(10, TimeUnit.SECONDS), "the task runs on the thread that serves the loop's map");
        assertFalse(loop.map().isLoopThread(), "the test's thread does not serve it");
        loop.close();
        assertTrue(backend.closed);
        assertEquals(2, logged.size(), logged.toString());
    }
}
