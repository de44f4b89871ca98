package io.asyncore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which errors are expected conditions (a peer gone, a limit reached: one WARNING line,
 * bursts summarised) and which are bugs (ERROR with the stack trace): {@link Disconnects}
 * and {@link ErrorReport}, logging to a recording {@link System.Logger} so nothing
 * reaches the build output.
 */
class ErrorClassificationTest {

    /** A System.Logger that keeps what it is given. */
    static final class RecordingLogger implements System.Logger {
        record Line(Level level, String message, Throwable thrown) {}

        final List<Line> lines = new ArrayList<>();

        @Override
        public String getName() {
            return "recording";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(new Line(level, msg, thrown));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(new Line(level, params == null || params.length == 0 ? format
                    : java.text.MessageFormat.format(format, params), null));
        }
    }

    private final ChannelMap map = new ChannelMap("errors");

    private final Dispatcher dispatcher = new Dispatcher(map) {
        @Override
        public String toString() {
            return "<peer>";
        }
    };

    @AfterEach
    void restoreWindow() {
        System.clearProperty(ErrorReport.WINDOW_PROPERTY);
    }

    @Test
    void pythonsDisconnectErrnosAreDisconnectsInTheirLinuxWording() {
        // Python 3.11: asyncore._DISCONNECTED == {ECONNRESET 104, ENOTCONN 107, ESHUTDOWN 108,
        // ECONNABORTED 103, EPIPE 32, EBADF 9}; the texts are os.strerror of each on Linux.
        for (int errno : new int[] {104, 107, 108, 103, 32, 9}) {
            String text = Asyncore.strerror(errno);
            assertTrue(Disconnects.isDisconnect(new IOException(text)), errno + " " + text);
            assertTrue(ErrorReport.isExpected(new SocketException(text)), errno + " " + text);
        }
        // The JDK's own wordings, and an errno name as io.asyncore.file writes it.
        assertTrue(Disconnects.isDisconnect(new SocketException("Connection reset")));
        assertTrue(Disconnects.isDisconnect(new IOException("write: EPIPE")));
        assertTrue(Disconnects.isDisconnect(new ClosedChannelException()));
    }

    @Test
    void otherErrorsAreNotDisconnects() {
        // ECONNREFUSED 111, EMFILE 24, ETIMEDOUT 110 are not in Python's _DISCONNECTED.
        for (int errno : new int[] {111, 24, 110}) {
            assertFalse(Disconnects.isDisconnect(new IOException(Asyncore.strerror(errno))), Asyncore.strerror(errno));
        }
        assertFalse(Disconnects.isDisconnect(new IOException((String) null)), "no message, nothing to read");
        assertFalse(Disconnects.isDisconnect(new IllegalStateException("Connection reset")), "not an I/O error");
        assertFalse(ErrorReport.isExpected(new NullPointerException()));
        assertTrue(ErrorReport.isExpected(new LimitExceededException("maxOutputBytes", 10, 11, "bytes")));
    }

    @Test
    void aBugLogsAnErrorWithItsStackTraceAndCompactTraceback() {
        RecordingLogger log = new RecordingLogger();
        IllegalStateException bug = new IllegalStateException("boom");
        ErrorReport.log(log, dispatcher, bug);
        assertEquals(1, log.lines.size());
        RecordingLogger.Line line = log.lines.get(0);
        assertEquals(System.Logger.Level.ERROR, line.level());
        assertSame(bug, line.thrown());
        // Python: "uncaptured python exception, closing channel <repr> (<type>:<value> <traceback>)"
        String expected = "error: uncaptured exception, closing channel <peer> (java.lang.IllegalStateException:boom "
                + CompactTraceback.of(bug).info() + ")";
        assertEquals(expected, line.message());
    }

    @Test
    void anExpectedConditionLogsOneWarningLineWithoutAStackTrace() {
        System.setProperty(ErrorReport.WINDOW_PROPERTY, "0"); // no burst summary in this test
        RecordingLogger log = new RecordingLogger();
        ErrorReport.log(log, dispatcher, new SocketException("Connection reset by peer"));
        assertEquals(1, log.lines.size());
        assertEquals(System.Logger.Level.WARNING, log.lines.get(0).level());
        assertNull(log.lines.get(0).thrown());
        assertEquals("error: closing channel <peer> (java.net.SocketException:Connection reset by peer)",
                log.lines.get(0).message());
    }

    @Test
    void aBurstOfOneLimitIsLoggedOnceThenSummarised() {
        // A limit name of its own: the burst windows are shared by the whole JVM.
        Supplier<LimitExceededException> limit = () -> new LimitExceededException("testBurstLimit", 1, 2, "things");
        RecordingLogger log = new RecordingLogger();
        System.setProperty(ErrorReport.WINDOW_PROPERTY, "3600000");
        for (int i = 0; i < 4; i++) {
            ErrorReport.log(log, dispatcher, limit.get());
        }
        assertEquals(1, log.lines.size(), "the first of the window only: " + log.lines);
        System.setProperty(ErrorReport.WINDOW_PROPERTY, "0"); // the window has passed
        ErrorReport.log(log, dispatcher, limit.get());
        assertEquals(3, log.lines.size(), log.lines.toString());
        String summary = log.lines.get(1).message();
        assertTrue(summary.startsWith("error: 3 more like this (limit testBurstLimit) in "), summary);
        assertTrue(log.lines.get(2).message().startsWith("error: closing channel <peer> (io.asyncore.LimitExceededException:"
                + "testBurstLimit=1 exceeded: 2 things)"), log.lines.get(2).message());
    }

    @Test
    void aToStringThatThrowsGivesPythonsPlaceholder() {
        Dispatcher broken = new Dispatcher(map) {
            @Override
            public String toString() {
                throw new IllegalStateException("no repr");
            }
        };
        // Python's repr failure: "<__repr__() failed for %s instance at %s>"
        assertTrue(ErrorReport.repr(broken).matches("<toString\\(\\) failed for object at 0x[0-9a-f]+>"),
                ErrorReport.repr(broken));
    }
}
