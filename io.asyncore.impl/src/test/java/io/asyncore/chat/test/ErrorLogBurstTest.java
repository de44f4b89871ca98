package io.asyncore.chat.test;

import static io.asyncore.chat.test.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.LimitExceededException;
import io.asyncore.chat.AsyncChat;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.LogCapture;
import io.asyncore.testkit.LoopbackPair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Expected conditions log one line without a stack trace, and a flood of peers that hit
 * the same limit logs one line plus a summary, not one trace per peer.
 */
class ErrorLogBurstTest {

    private static final String WINDOW = "asyncore.log.burst.ms";

    private final ChannelMap map = new ChannelMap("error-log-burst");

    @AfterEach
    void close() {
        System.clearProperty(WINDOW);
        Asyncore.closeAll(map, true);
    }

    /** A chat with a 64-byte bound on its default collection, which it uses. */
    static final class Small extends AsyncChat {
        Small(SocketChannel c, ChannelMap m) {
            super(c, m);
            setTerminator(b("\r\n"));
            setMaxInputBytes(64);
        }

        @Override
        protected void collectIncomingData(byte[] data) {
            bufferIncomingData(data);
        }

        @Override
        protected void foundTerminator() {
            getData();
        }
    }

    @Test
    void aFloodOfPeersOverTheInputBoundLogsOneLineWithoutATrace() throws Exception {
        System.setProperty(WINDOW, "60000");
        int peers = 12;
        List<LoopbackPair> pairs = new ArrayList<>();
        List<Small> chats = new ArrayList<>();
        try (LogCapture log = LogCapture.dispatcher()) {
            for (int i = 0; i < peers; i++) {
                LoopbackPair pair = LoopbackPair.open();
                pairs.add(pair);
                chats.add(new Small(pair.near(), map));
                pair.far().write(ByteBuffer.wrap(new byte[200])); // no terminator, past the bound
            }
            Await.passesUntil(map, "every chat closed at its bound", () -> chats.stream().allMatch(Dispatcher::isClosed));
            List<LogRecord> records = log.records();
            // The limit name is the chat's; another test in this JVM may have opened a
            // window for it already, so at most one line, never one per peer.
            assertTrue(records.size() <= 1, "one line for " + peers + " peers: " + records.size());
            for (LogRecord r : records) {
                assertEquals(Level.WARNING, r.getLevel());
                assertNull(r.getThrown(), "no stack trace for an expected condition");
                assertTrue(r.getMessage().contains("maxInputBytes=64 exceeded"), r.getMessage());
            }
        } finally {
            for (LoopbackPair p : pairs) {
                p.close();
            }
        }
    }

    @Test
    void aBurstIsSummarisedWhenTheNextOneComesAfterTheWindow() throws Exception {
        System.setProperty(WINDOW, "300");
        Dispatcher d = new Dispatcher(map) {};
        try (LogCapture log = LogCapture.dispatcher()) {
            for (int i = 0; i < 5; i++) {
                d.handleError(new LimitExceededException("burstTestBytes", 1, 2 + i, "bytes"));
            }
            Thread.sleep(400);
            d.handleError(new LimitExceededException("burstTestBytes", 1, 99, "bytes"));
            List<String> lines = log.records().stream().map(LogRecord::getMessage).toList();
            assertEquals(3, lines.size(), lines.toString());
            assertTrue(lines.get(0).startsWith("error: closing channel "), lines.get(0));
            assertTrue(lines.get(0).endsWith("(io.asyncore.LimitExceededException:burstTestBytes=1 exceeded: 2 bytes)"),
                    lines.get(0));
            assertTrue(lines.get(1).startsWith("error: 4 more like this (limit burstTestBytes) in "), lines.get(1));
            assertTrue(lines.get(2).endsWith("burstTestBytes=1 exceeded: 99 bytes)"), lines.get(2));
            assertTrue(log.records().stream().allMatch(r -> r.getThrown() == null && r.getLevel() == Level.WARNING));
        }
    }

    @Test
    void aDisconnectReachingHandleErrorIsOneWarningLine() throws Exception {
        System.setProperty(WINDOW, "0");
        Dispatcher d = new Dispatcher(map) {};
        try (LogCapture log = LogCapture.dispatcher()) {
            d.handleError(new IOException("Connection reset by peer"));
            assertEquals(1, log.records().size());
            assertEquals(Level.WARNING, log.records().get(0).getLevel());
            assertNull(log.records().get(0).getThrown());
        }
    }

    @Test
    void aBugStillLogsSevereWithItsTrace() {
        Dispatcher d = new Dispatcher(map) {};
        try (LogCapture log = LogCapture.dispatcher()) {
            IllegalStateException bug = new IllegalStateException("a bug");
            d.handleError(bug);
            assertEquals(1, log.records().size());
            assertEquals(Level.SEVERE, log.records().get(0).getLevel());
            assertEquals(bug, log.records().get(0).getThrown());
        }
    }
}
