package io.asyncore.chat.test;

import static io.asyncore.chat.test.Bytes.b;
import static io.asyncore.chat.test.Bytes.strings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.chat.AsyncChat;
import io.asyncore.chat.InputLimitExceededException;
import io.asyncore.chat.SimpleProducer;
import io.asyncore.chat.Terminator;
import io.asyncore.testkit.LoopbackPair;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * CPython's {@code TestAsynchatMocked}, {@code TestHelperFunctions} and
 * {@code TestNotConnected}, and the edges of Python's {@code handle_read} with exact read
 * boundaries: the chat's socket is real, its reads return scripted chunks.
 */
class AsyncChatEdgeTest {

    private final ChannelMap map = new ChannelMap("asynchat-edge-test");
    private LoopbackPair pair;
    private RecordingChat chat;

    @BeforeEach
    void open() throws IOException {
        pair = LoopbackPair.open();
        chat = new RecordingChat(pair.near(), map);
    }

    @AfterEach
    void close() throws IOException {
        Asyncore.closeAll(map, true);
        Asyncore.closeAll();
        pair.close();
    }

    // ------------------------------------------------------------------ CPython classes

    @Test
    void blockingReadIsNotAnError() throws IOException {
        // TestAsynchatMocked.test_blockingioerror (issue #16133): a read that finds nothing
        // (EAGAIN) is ignored, not an error
        chat.setTerminator(b("\n"));
        chat.readNow();
        assertEquals(List.of(), chat.errors);
        assertEquals(List.of(), chat.pieces);
        assertFalse(chat.isClosed());
    }

    @Nested
    class NotConnected {
        @Test
        void disallowNegativeTerminator() {
            // TestNotConnected.test_disallow_negative_terminator (issue #11259)
            TestChat client = new TestChat();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client.setTerminator(-1));
            assertTrue(e.getMessage().contains("-1"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Terminator.count(-5));
        }

        @Test
        void pushOfNullNamesTheMistake() {
            // Python raises TypeError for push(10) and push('unicode'); Java's type system
            // leaves null
            TestChat client = new TestChat();
            NullPointerException e = assertThrows(NullPointerException.class, () -> client.push(null));
            assertTrue(e.getMessage().startsWith("push: data is null"), e.getMessage());
            NullPointerException p = assertThrows(NullPointerException.class, () -> client.pushWithProducer(null));
            assertTrue(p.getMessage().contains("producer is null"), p.getMessage());
        }

        @Test
        void pushBeforeConnectingQueuesAndWaits() throws IOException {
            TestChat client = new TestChat();
            client.push(b("hello"));
            client.pushWithProducer(new SimpleProducer(b("world")));
            assertEquals(2, client.pendingOutputEntries(), "nothing is written while not connected");
            assertTrue(client.writable(), "writable while not connected, to see the connect");
            assertTrue(client.readable());
            client.discardBuffers();
            assertEquals(0, client.pendingOutputEntries());
        }
    }

    /** A chat without a socket. */
    static final class TestChat extends AsyncChat {
        TestChat() {
            super(new ChannelMap("not-connected"));
        }

        @Override
        protected void collectIncomingData(byte[] data) {}

        @Override
        protected void foundTerminator() {}
    }

    // ------------------------------------------------------------------ terminators

    @Test
    void terminatorStartsAsNoneAndKeepsItsType() {
        assertEquals(Terminator.NONE, chat.getTerminator());
        chat.setTerminator(b("\r\n"));
        assertEquals(Terminator.of("\r\n"), chat.getTerminator());
        assertEquals("b'\\r\\n'", chat.getTerminator().toString());
        chat.setTerminator(7);
        assertEquals(Terminator.count(7), chat.getTerminator());
        chat.setTerminator(null); // Python's set_terminator(None): one meaning, collect until close
        assertEquals(Terminator.NONE, chat.getTerminator());
        chat.setTerminator(7);
        chat.useTerminator(null);
        assertEquals(Terminator.NONE, chat.getTerminator());
        byte[] delimiter = b("qqq");
        chat.setTerminator(delimiter);
        delimiter[0] = 'x';
        assertEquals(Terminator.of("qqq"), chat.getTerminator(), "the delimiter is copied");
        assertTrue(Terminator.of(new byte[0]).collectsAll());
        assertTrue(Terminator.count(0).collectsAll());
        assertFalse(Terminator.count(1).collectsAll());
        assertNotEquals(Terminator.of("a"), Terminator.of("b"));
    }

    @Test
    void severalTerminatorsInOneRead() throws IOException {
        chat.setTerminator(b("\n"));
        chat.feed(b("a\nbb\n\nccc\nrest"));
        assertEquals(List.of("a", "bb", "", "ccc"), strings(chat.messages));
        assertEquals("rest", Bytes.s(chat.current.toByteArray()));
        // the empty message is not reported as an empty piece
        assertTrue(chat.pieces.stream().allMatch(p -> p.length > 0));
    }

    @Test
    void delimiterSplitAcrossReadsIsHeldBack() throws IOException {
        chat.setTerminator(b("\r\n"));
        chat.feed(b("hello\r"));
        assertEquals(List.of("hello"), strings(chat.pieces), "the \\r is held back");
        assertEquals(1, chat.pendingInputBytes(), "1 held; the 5 collected are the subclass's");
        chat.feed(b("\nworld\r"), b("\r\n"));
        assertEquals(List.of("hello", "world\r"), strings(chat.messages));
    }

    @Test
    void threeByteDelimiterAcrossThreeReads() throws IOException {
        chat.setTerminator(b("qqq"));
        chat.feed(b("aq"), b("qbq"), b("qq"));
        assertEquals(List.of("aqqb"), strings(chat.messages));
        assertEquals(List.of("a", "qqb"), strings(chat.pieces));
        chat.feed(b("q"), b("q"), b("q"));
        assertEquals(List.of("aqqb", ""), strings(chat.messages));
    }

    @Test
    void wholeReadThatIsAPrefixIsHeldUntilTheNextRead() throws IOException {
        chat.setTerminator(b("\r\n.\r\n"));
        chat.feed(b("\r\n."));
        assertEquals(List.of(), chat.pieces, "the whole buffer may start the terminator");
        chat.feed(b("\r\n"));
        assertEquals(List.of(""), strings(chat.messages));
        chat.feed(b("line1\r\nline2\r\n"), b(".\r\n"));
        assertEquals(List.of("", "line1\r\nline2"), strings(chat.messages));
    }

    @Test
    void countTerminatorMidBufferAndCountdown() throws IOException {
        chat.setTerminator(3);
        chat.onTerminator = c -> c.setTerminator(3);
        chat.feed(b("abcdefgh"));
        assertEquals(List.of("abc", "def"), strings(chat.messages));
        assertEquals(Terminator.count(1), chat.getTerminator(), "gh arrived, one byte to go");
        chat.feed(b("ij"));
        assertEquals(List.of("abc", "def", "ghi"), strings(chat.messages));
        assertEquals(Terminator.count(2), chat.getTerminator());
    }

    @Test
    void countTerminatorReadsZeroAfterFiringThenCollectsEverything() throws IOException {
        // Python sets terminator = 0 when a count fires; 0 is "no terminator"
        chat.setTerminator(4);
        chat.feed(b("ab"));
        assertEquals(Terminator.count(2), chat.getTerminator());
        chat.feed(b("cdef"), b("gh"));
        assertEquals(List.of("abcd"), strings(chat.messages));
        assertEquals(Terminator.count(0), chat.getTerminator());
        assertEquals("efgh", Bytes.s(chat.current.toByteArray()));
    }

    @Test
    void terminatorChangedInsideFoundTerminatorAppliesToTheRestOfTheRead() throws IOException {
        // an HTTP-like exchange in one read: a header block, a counted body, a line
        chat.setTerminator(b("\r\n\r\n"));
        chat.onTerminator = c -> {
            int n = c.messages.size();
            if (n == 1) {
                c.setTerminator(5);
            } else if (n == 2) {
                c.setTerminator(b("\n"));
            } else {
                c.useTerminator(Terminator.NONE);
            }
        };
        chat.feed(b("HEAD\r\nX: 1\r\n\r\nabcdeline\ntail"));
        assertEquals(List.of("HEAD\r\nX: 1", "abcde", "line"), strings(chat.messages));
        assertEquals("tail", Bytes.s(chat.current.toByteArray()));
    }

    @Test
    void closingInsideFoundTerminatorStillDeliversTheRestOfTheRead() throws IOException {
        // Python's handle_read loops over ac_in_buffer whatever found_terminator does
        chat.setTerminator(b("\n"));
        chat.onTerminator = c -> c.close();
        chat.feed(b("one\ntwo\nthree"));
        assertTrue(chat.isClosed());
        assertEquals(List.of("one", "two"), strings(chat.messages));
        assertEquals("three", Bytes.s(chat.current.toByteArray()));
    }

    @Test
    void discardBuffersInsideFoundTerminatorDropsTheRestOfTheRead() throws IOException {
        chat.setTerminator(b("\n"));
        chat.onTerminator = c -> c.discardBuffers();
        chat.feed(b("one\ntwo\n"));
        assertEquals(List.of("one"), strings(chat.messages));
        assertEquals(0, chat.pendingInputBytes());
    }

    @Test
    void anOverriddenGetTerminatorIsAskedForEachMessage() throws IOException {
        // Python's handle_read calls self.get_terminator(), so subclasses may compute it
        try (LoopbackPair other = LoopbackPair.open()) {
            RecordingChat computed = new RecordingChat(other.near(), map) {
                @Override
                public Terminator getTerminator() {
                    return messages.size() % 2 == 0 ? Terminator.of(";") : Terminator.of("|");
                }
            };
            computed.feed(b("a|b;c|d;"));
            assertEquals(List.of("a|b", "c", "d"), strings(computed.messages));
        }
    }

    @Test
    void aFailingProducerFailsThePushThatAskedIt() throws IOException {
        // Python lets an exception from more() propagate out of push / initiate_send
        IOException broken = new IOException("producer broke");
        IOException e = assertThrows(IOException.class, () -> chat.pushWithProducer(() -> {
            throw broken;
        }));
        assertSame(broken, e);
        assertEquals(1, chat.pendingOutputEntries(), "the producer stays queued, as in Python");
    }

    @Test
    void noTerminatorCollectsEverything() throws IOException {
        chat.feed(b("one\n"), b("two"));
        chat.setTerminator(new byte[0]);
        chat.feed(b("three"));
        assertEquals(List.of(), chat.messages);
        assertEquals("one\ntwothree", Bytes.s(chat.current.toByteArray()));
    }

    @Test
    void readSizeIsAcInBufferSize() throws IOException {
        chat.inBufferSize(4);
        chat.setTerminator(b("\n"));
        assertThrows(AssertionError.class, () -> chat.feed(b("12345")), "a read asks for at most acInBufferSize bytes");
    }

    @Test
    void bufferedIncomingDataHelpers() {
        // Python's _collect_incoming_data and _get_data
        BufferingChat c = new BufferingChat();
        c.collect(b("ab"));
        c.collect(b("c"));
        assertEquals("abc", Bytes.s(c.data()));
        assertEquals("", Bytes.s(c.data()));
    }

    static final class BufferingChat extends AsyncChat {
        BufferingChat() {
            super(new ChannelMap("buffering"));
        }

        void collect(byte[] d) {
            bufferIncomingData(d);
        }

        byte[] data() {
            return getData();
        }

        @Override
        protected void collectIncomingData(byte[] data) {
            bufferIncomingData(data);
        }

        @Override
        protected void foundTerminator() {}
    }

    // ------------------------------------------------------------------ input bound

    @Test
    void messageOfExactlyTheBoundPasses() throws IOException {
        chat.defaultCollection = true;
        chat.setMaxInputBytes(8);
        chat.setTerminator(b("\n"));
        chat.feed(b("12345678\n87654321\n"));
        assertEquals(List.of("12345678", "87654321"), strings(chat.messages));
        assertEquals(List.of(), chat.errors);
        assertFalse(chat.isClosed());
    }

    @Test
    void messageOverTheBoundIsAnErrorThatCloses() throws IOException {
        chat.defaultCollection = true;
        chat.setMaxInputBytes(8);
        chat.setTerminator(b("\n"));
        chat.feed(b("1234"), b("56789\nnever"));
        assertEquals(1, chat.errors.size());
        InputLimitExceededException e = assertInstanceOf(InputLimitExceededException.class, chat.errors.get(0));
        assertTrue(e.getMessage().contains("maxInputBytes=8"), e.getMessage());
        assertEquals("maxInputBytes", e.limitName());
        assertEquals(8, e.limit());
        assertEquals(9, e.received());
        assertTrue(chat.isClosed());
        assertEquals(List.of("1234", "56789"), strings(chat.pieces),
                "every byte reaches collectIncomingData; the bound is the default collection's");
        assertEquals(List.of(), chat.messages);
        assertEquals(0, chat.pendingInputBytes());
    }

    @Test
    void boundAppliesToCountsAndNoneToo() throws IOException {
        chat.defaultCollection = true;
        chat.setMaxInputBytes(4);
        chat.setTerminator(10);
        chat.feed(b("12345"));
        assertEquals(1, chat.errors.size());
        assertTrue(chat.isClosed());
    }

    @Test
    void boundHoldsEvenWhenHandleErrorKeepsTheChannel() throws IOException {
        try (LoopbackPair other = LoopbackPair.open()) {
            RecordingChat stubborn = new RecordingChat(other.near(), map) {
                @Override
                public void handleError(Throwable error) {
                    errors.add(error); // and does not close
                }
            };
            stubborn.defaultCollection = true;
            stubborn.setMaxInputBytes(2);
            stubborn.feed(b("abc"));
            assertEquals(1, stubborn.errors.size());
            assertTrue(stubborn.isClosed());
        }
    }

    @Test
    void boundIsCheckedOnSetting() {
        assertThrows(IllegalArgumentException.class, () -> chat.setMaxInputBytes(0));
        assertEquals(AsyncChat.DEFAULT_MAX_INPUT_BYTES, chat.getMaxInputBytes());
        assertEquals(64 << 20, AsyncChat.DEFAULT_MAX_INPUT_BYTES);
        assertEquals(65536, AsyncChat.DEFAULT_IN_BUFFER_SIZE);
        assertEquals(65536, AsyncChat.DEFAULT_OUT_BUFFER_SIZE);
    }

    @Test
    void discardBuffersResetsTheBound() throws IOException {
        chat.defaultCollection = true;
        chat.setMaxInputBytes(4);
        chat.setTerminator(b("\n"));
        chat.feed(b("abc"));
        chat.discardBuffers();
        chat.feed(b("defg\n"));
        assertEquals(List.of(), chat.errors);
        assertEquals(List.of("defg"), strings(chat.messages), "the default collection was discarded");
    }

    @Test
    void simpleProducerPieces() {
        SimpleProducer p = new SimpleProducer(b("abcdefghij"), 4);
        assertArrayEquals(b("abcd"), p.more());
        assertArrayEquals(b("efgh"), p.more());
        assertArrayEquals(b("ij"), p.more());
        assertArrayEquals(new byte[0], p.more());
        assertArrayEquals(b("abcd"), new SimpleProducer(b("abcd"), 4).more(), "exactly bufferSize: one piece");
        assertEquals(512, SimpleProducer.DEFAULT_BUFFER_SIZE);
        assertThrows(IllegalArgumentException.class, () -> new SimpleProducer(b("x"), 0));
        assertThrows(NullPointerException.class, () -> new SimpleProducer(null));
    }
}
