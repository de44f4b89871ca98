package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.CompactTraceback;
import io.asyncore.Dispatcher;
import io.asyncore.testkit.LogCapture;
import io.asyncore.testkit.NoLeaks;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Python's {@code log} and {@code compact_traceback} ({@code _strerror} is tested in the
 * api module). Expected values
 * were printed by Python 3.11:
 * {@code asyncore.dispatcher().log("hello")} writes {@code "log: hello"} to stderr;
 * {@code compact_traceback()} inside {@code except} after {@code outer()} called
 * {@code inner()} which raised {@code ValueError("bad value")} gives
 * {@code (('<stdin>', 'inner', '7'), ValueError, ValueError('bad value'),
 * '[<stdin>|<module>|11] [<stdin>|outer|9] [<stdin>|inner|7]')}: outermost to innermost,
 * the line a string.
 */
@ExtendWith(NoLeaks.class)
class PythonHelpersTest {

    /** A dispatcher whose read hook fails two calls deep, remembering the line. */
    static final class Failing extends Dispatcher {
        int throwLine;
        Throwable error;

        @Override
        protected void handleRead() {
            outer();
        }

        private void outer() {
            inner();
        }

        private void inner() {
            throwLine = new Throwable().getStackTrace()[0].getLineNumber(); throw new IllegalStateException("bad value");
        }

        @Override
        public void handleError(Throwable e) {
            error = e;
            super.handleError(e);
        }

        void quiet(Set<String> types) {
            ignoreLogTypes = types;
        }
    }

    @Test
    void compactTracebackGoesFromTheDeliveringCallToTheThrow() {
        Failing d = new Failing();
        try (LogCapture log = LogCapture.dispatcher()) {
            Asyncore.read(d);
        }
        assertNotNull(d.error);
        CompactTraceback tb = Asyncore.compactTraceback(d.error);
        assertEquals("PythonHelpersTest.java", tb.file());
        assertEquals("inner", tb.function());
        assertEquals(Integer.toString(d.throwLine), tb.line());
        assertEquals(IllegalStateException.class, tb.type());
        assertEquals("bad value", tb.message());
        String[] frames = tb.info().split(" ");
        // the core's delivery caught it (Python's read()): the traceback starts there
        assertTrue(frames[0].startsWith("[Delivery.java|select|"), tb.info());
        assertEquals("[PythonHelpersTest.java|outer|" + (d.throwLine - 4) + "]", frames[frames.length - 2], tb.info());
        assertEquals("[PythonHelpersTest.java|inner|" + d.throwLine + "]", frames[frames.length - 1], tb.info());
        for (String f : frames) {
            assertTrue(f.matches("\\[[^|\\]]+\\|[^|\\]]+\\|-?\\d+\\]"), f);
        }
    }

    @Test
    void compactTracebackOfAnExceptionWithoutStackFailsAsPythonsAssertion() {
        Exception bare = new Exception("no stack", null, false, false) {};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Asyncore.compactTraceback(bare));
        assertTrue(e.getMessage().startsWith("traceback does not exist"), e.getMessage());
    }

    @Test
    void handleErrorLogsTheCondensedTraceback() {
        Failing d = new Failing();
        try (LogCapture log = LogCapture.dispatcher()) {
            Asyncore.read(d);
            List<LogRecord> records = log.records();
            assertEquals(1, records.size(), log.messages().toString());
            String line = records.get(0).getMessage();
            String expected = "error: uncaptured exception, closing channel " + d + " (java.lang.IllegalStateException:bad value "
                    + Asyncore.compactTraceback(d.error).info() + ")";
            assertEquals(expected, line);
            assertEquals(Level.SEVERE, records.get(0).getLevel(), "a bug: SEVERE, with its trace");
            assertEquals(d.error, records.get(0).getThrown());
        }
    }

    @Test
    void logIsShownByTheDefaultConfigurationAndIgnoresIgnoreLogTypes() {
        Failing d = new Failing();
        d.quiet(Set.of("info", "warning", "error", "log"));
        // the JDK's default logging.properties: root at INFO, a console handler on stderr
        Level shown = Logger.getLogger("").getLevel();
        try (LogCapture log = LogCapture.dispatcher()) {
            d.log("hello");
            d.logInfo("not shown", "info");
            List<LogRecord> records = log.records();
            assertEquals(1, records.size(), log.messages().toString());
            assertEquals("log: hello", records.get(0).getMessage());
            assertTrue(records.get(0).getLevel().intValue() >= shown.intValue(),
                    records.get(0).getLevel() + " is below the default " + shown);
        }
    }
}
