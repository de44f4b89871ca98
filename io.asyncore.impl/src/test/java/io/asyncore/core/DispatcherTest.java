package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.testkit.LogCapture;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * CPython's {@code DispatcherTests}: defaults, repr, {@code log}, {@code log_info} and the
 * unhandled-event warnings, captured from {@code java.util.logging}.
 *
 * <p>Not ported: {@code test_strerror} (Python's {@code _strerror} maps errno numbers to
 * text; Java exceptions carry their message, there is no errno to map).
 */
@ExtendWith(NoLeaks.class)
class DispatcherTest {

    /** Python's bare {@code asyncore.dispatcher()}, with the protected hooks made callable. */
    static class Plain extends Dispatcher {
        Plain() {}

        Plain(ChannelMap map) {
            super(map);
        }

        void expt() throws IOException { handleExpt(); }
        void read() throws IOException { handleRead(); }
        void write() throws IOException { handleWrite(); }
        void connect() throws IOException { handleConnect(); }
        void accepted(SocketChannel c, SocketAddress a) throws IOException { handleAccepted(c, a); }
        void ignore(Set<String> types) { ignoreLogTypes = types; }
    }

    @AfterEach
    void closeAll() {
        Asyncore.closeAll();
    }

    @Test
    void basic() {
        Plain d = new Plain();
        assertTrue(d.readable());
        assertTrue(d.writable());
        assertFalse(d.isConnected());
        assertFalse(d.isAccepting());
        assertFalse(d.isConnecting());
        assertFalse(d.isClosed());
        assertNull(d.channel());
        assertNull(d.address());
        assertSame(ChannelMap.defaultMap(), d.map());
        assertFalse(ChannelMap.defaultMap().contains(d), "no socket yet, so not in the map");
    }

    @Test
    void repr() {
        Plain d = new Plain();
        assertEquals("<io.asyncore.core.DispatcherTest$Plain at 0x"
                + Integer.toHexString(System.identityHashCode(d)) + ">", d.toString());
    }

    @Test
    void reprOfListenerAndConnection() throws IOException {
        Plain server = new Plain();
        server.createSocket(AddressFamily.INET);
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        server.listen(5);
        String id = Integer.toHexString(System.identityHashCode(server));
        assertEquals("<io.asyncore.core.DispatcherTest$Plain listening 127.0.0.1:0 at 0x" + id + ">", server.toString());

        Plain v6 = new Plain();
        v6.createSocket(AddressFamily.INET6);
        v6.bind(new InetSocketAddress("::1", 0));
        assertTrue(v6.toString().contains(" [0:0:0:0:0:0:0:1]:0 at 0x") || v6.toString().contains(" [::1]:0 at 0x"),
                v6.toString());
    }

    @Test
    void reprSurvivesBrokenToStringInHandleError() {
        Dispatcher d = new Dispatcher() {
            @Override
            public String toString() {
                throw new IllegalStateException("broken repr");
            }

            @Override
            public void handleClose() {
                // keep it quiet: the point is the error log line
            }
        };
        try (LogCapture log = LogCapture.dispatcher()) {
            d.handleError(new IOException("boom"));
            List<String> messages = log.messages();
            assertEquals(1, messages.size(), messages.toString());
            assertTrue(messages.get(0).contains("<toString() failed for object at 0x"
                    + Integer.toHexString(System.identityHashCode(d)) + ">"), messages.get(0));
        }
    }

    @Test
    void log() {
        Plain d = new Plain();
        String l1 = "Lovely spam! Wonderful spam!";
        String l2 = "I don't like spam!";
        try (LogCapture log = LogCapture.dispatcher()) {
            d.log(l1);
            d.log(l2);
            assertEquals(List.of("log: " + l1, "log: " + l2), log.messages());
        }
    }

    @Test
    void logInfo() {
        Plain d = new Plain();
        String l1 = "Have you got anything without spam?";
        String l2 = "Why can't she have egg bacon spam and sausage?";
        String l3 = "THAT'S got spam in it!";
        try (LogCapture log = LogCapture.dispatcher()) {
            d.logInfo(l1, "EGGS");
            d.logInfo(l2);
            d.logInfo(l3, "SPAM");
            assertEquals(List.of("EGGS: " + l1, "info: " + l2, "SPAM: " + l3), log.messages());
            for (LogRecord r : log.records()) {
                assertEquals(Level.INFO, r.getLevel());
            }
        }
    }

    @Test
    void logInfoLevels() {
        Plain d = new Plain();
        d.ignore(Set.of());
        try (LogCapture log = LogCapture.dispatcher()) {
            d.logInfo("w", "warning");
            d.logInfo("e", "error");
            List<LogRecord> records = log.records();
            assertEquals(Level.WARNING, records.get(0).getLevel());
            assertEquals(Level.SEVERE, records.get(1).getLevel());
        }
    }

    @Test
    void ignoreLogTypes() {
        Plain d = new Plain();
        try (LogCapture log = LogCapture.dispatcher()) {
            d.logInfo("dropped by default", "warning");
            d.ignore(Set.of("EGGS", "info"));
            d.logInfo("dropped", "EGGS");
            d.logInfo("dropped too");
            d.logInfo("kept", "SPAM");
            assertEquals(List.of("SPAM: kept"), log.messages());
        }
    }

    @Test
    void unhandled() throws IOException {
        Plain d = new Plain();
        d.ignore(Set.of());
        try (LogCapture log = LogCapture.dispatcher()) {
            d.expt();
            d.read();
            d.write();
            d.connect();
            assertEquals(List.of(
                    "warning: unhandled incoming priority event",
                    "warning: unhandled read event",
                    "warning: unhandled write event",
                    "warning: unhandled connect event"), log.messages());
        }
    }

    @Test
    void unhandledWarningsAreIgnoredByDefault() throws IOException {
        Plain d = new Plain();
        try (LogCapture log = LogCapture.dispatcher()) {
            d.expt();
            d.read();
            d.write();
            d.connect();
            assertEquals(List.of(), log.messages());
        }
    }

    @Test
    void unhandledAcceptedClosesTheConnectionAndUnhandledCloseCloses() throws IOException {
        Plain d = new Plain();
        d.ignore(Set.of());
        d.createSocket();
        assertTrue(ChannelMap.defaultMap().contains(d));
        SocketChannel accepted = SocketChannel.open();
        try (LogCapture log = LogCapture.dispatcher()) {
            d.accepted(accepted, null);
            assertFalse(accepted.isOpen(), "the unhandled accepted connection is closed");
            d.handleClose();
            assertEquals(List.of("warning: unhandled accepted event", "warning: unhandled close event"), log.messages());
        }
        assertTrue(d.isClosed());
        assertFalse(d.channel().isOpen());
        assertFalse(ChannelMap.defaultMap().contains(d));
    }

    @Test
    void handleErrorLogsAtErrorAndCloses() throws IOException {
        Plain d = new Plain();
        d.createSocket();
        IOException error = new IOException("I don't like spam!");
        try (LogCapture log = LogCapture.dispatcher()) {
            d.handleError(error);
            List<LogRecord> records = log.records();
            assertEquals(1, records.size(), log.messages().toString());
            assertEquals(Level.SEVERE, records.get(0).getLevel());
            assertSame(error, records.get(0).getThrown());
            assertTrue(records.get(0).getMessage().contains(d.toString()), records.get(0).getMessage());
        }
        assertTrue(d.isClosed(), "handle_error closes through handle_close");
        assertFalse(ChannelMap.defaultMap().contains(d));
    }

    @Test
    void handleErrorLogsThroughTheErrorLogType() throws IOException {
        // Python's handle_error logs with log_info(..., 'error'): ignore_log_types applies.
        Plain d = new Plain();
        d.createSocket();
        try (LogCapture log = LogCapture.dispatcher()) {
            d.handleError(new IOException("spam"));
            assertTrue(log.messages().get(0).startsWith("error: uncaptured exception, closing channel <"),
                    log.messages().toString());
            // the exception was made here, outside a delivery: only the innermost frame
            assertTrue(log.messages().get(0).contains(
                    " (java.io.IOException:spam [DispatcherTest.java|handleErrorLogsThroughTheErrorLogType|"),
                    log.messages().toString());
            Plain quiet = new Plain();
            quiet.ignore(Set.of("warning", "error"));
            quiet.createSocket();
            quiet.handleError(new IOException("not logged"));
            assertEquals(1, log.messages().size(), log.messages().toString());
            assertTrue(quiet.isClosed());
        }
    }
}
