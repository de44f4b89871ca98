package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import io.asyncore.spi.Engines;
import io.asyncore.spi.Logging;
import io.asyncore.testkit.LogCapture;
import io.asyncore.testkit.NoLeaks;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With a sink installed (as the OSGi activator installs one over the Log Service), the
 * api's and the engine's lines reach it, named by their logger; without one they reach
 * System.Logger again. A loop says at INFO when it starts and stops.
 */
@ExtendWith(NoLeaks.class)
class LoggingSinkTest {

    /** Records every line. */
    static final class Recorder implements Logging.Sink {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public boolean isLoggable(String logger, Level level) {
            return level.getSeverity() >= Level.INFO.getSeverity();
        }

        @Override
        public void log(String logger, Level level, String message, Throwable error) {
            lines.add(logger + " " + level + " " + message);
        }
    }

    @Test
    void linesGoToTheInstalledSinkAndBackToSystemLoggerAfter() throws Exception {
        Recorder sink = new Recorder();
        Dispatcher d = new Dispatcher(new io.asyncore.ChannelMap("sink-test")) {};
        Logging.install(sink);
        try {
            d.log("to the sink");
            d.logInfo("debugging", "debug-type"); // INFO as Python's log_info, shown
            try (EventLoop loop = Engines.get().startEventLoop("sink-loop", Duration.ofSeconds(30))) {
                loop.execute(() -> { });
            }
        } finally {
            Logging.uninstall(sink);
        }
        try (LogCapture log = LogCapture.dispatcher()) {
            d.log("to System.Logger");
            assertEquals(List.of("log: to System.Logger"), log.messages());
        }
        assertEquals("io.asyncore.Dispatcher INFO log: to the sink", sink.lines.get(0));
        assertEquals("io.asyncore.Dispatcher INFO debug-type: debugging", sink.lines.get(1));
        assertTrue(sink.lines.contains("io.asyncore.LoopThread INFO event loop sink-loop started"), sink.lines.toString());
        assertTrue(sink.lines.contains("io.asyncore.LoopThread INFO event loop sink-loop stopped"), sink.lines.toString());
        assertEquals(4, sink.lines.size(), sink.lines.toString());
    }
}
