package io.asyncore.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.ChannelMap;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How {@link AsyncChat} splits input at its terminator when the input arrives in chunks,
 * without a socket or an engine: each {@code handleRead} reads the next scripted chunk.
 *
 * <p>Expected values are Python 3.11's, printed by feeding the same chunks to an
 * {@code asynchat.async_chat} whose {@code recv} returns them and whose
 * {@code collect_incoming_data}/{@code found_terminator} record what they get
 * ({@code python3 -W ignore}, asynchat 3.11.7), and by calling
 * {@code asynchat.find_prefix_at_end}.
 */
class TerminatorSplittingTest {

    /** A chat that reads scripted chunks and records pieces and messages as strings. */
    static final class ScriptedChat extends AsyncChat {
        final List<String> pieces = new ArrayList<>();
        final List<String> messages = new ArrayList<>();
        private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
        private final StringBuilder current = new StringBuilder();

        ScriptedChat() {
            super(new ChannelMap("split"));
        }

        /** Reads each chunk with one {@code handleRead}, as one pass per chunk would. */
        ScriptedChat feed(String... input) throws IOException {
            for (String chunk : input) {
                chunks.add(chunk.getBytes(StandardCharsets.ISO_8859_1));
                handleRead();
            }
            return this;
        }

        @Override
        public int recv(ByteBuffer buffer) {
            byte[] next = chunks.poll();
            if (next == null) {
                return 0;
            }
            buffer.put(next);
            return next.length;
        }

        @Override
        protected void collectIncomingData(byte[] data) {
            String s = new String(data, StandardCharsets.ISO_8859_1);
            pieces.add(s);
            current.append(s);
        }

        @Override
        protected void foundTerminator() {
            messages.add(current.toString());
            current.setLength(0);
        }
    }

    private static ScriptedChat split(Terminator terminator, String... chunks) throws IOException {
        ScriptedChat chat = new ScriptedChat();
        chat.useTerminator(terminator);
        return chat.feed(chunks);
    }

    @Test
    void aDelimiterSplitAcrossChunksIsHeldUntilItCompletes() throws IOException {
        // Python: pieces [b'hel', b'lo', b'wor', b'ld'], messages [b'hello', b'world']
        ScriptedChat chat = split(Terminator.of("\r\n"), "hel", "lo\r", "\nwor", "ld\r\n");
        assertEquals(List.of("hel", "lo", "wor", "ld"), chat.pieces);
        assertEquals(List.of("hello", "world"), chat.messages);
    }

    @Test
    void aLongDelimiterArrivingByteByByteIsFoundOnce() throws IOException {
        // Python: pieces [b'a', b'b', b'c'], messages [b'a', b'b'], the trailing c collected
        ScriptedChat chat = split(Terminator.of("\r\n.\r\n"), "a\r\n.", "\r", "\n", "b\r\n.\r\nc");
        assertEquals(List.of("a", "b", "c"), chat.pieces);
        assertEquals(List.of("a", "b"), chat.messages);
    }

    @Test
    void aPrefixThatTurnsOutNotToBeTheDelimiterIsCollected() throws IOException {
        // Python, terminator b'ab', chunks a, a, b: pieces [b'a'], messages [b'a']
        ScriptedChat chat = split(Terminator.of("ab"), "a", "a", "b");
        assertEquals(List.of("a"), chat.pieces);
        assertEquals(List.of("a"), chat.messages);
    }

    @Test
    void emptyMessagesReachFoundTerminatorButNotCollect() throws IOException {
        // Python, terminator b'\n', one chunk a\n\nb\n: pieces [b'a', b'b'], messages [b'a', b'', b'b']
        ScriptedChat chat = split(Terminator.of("\n"), "a\n\nb\n");
        assertEquals(List.of("a", "b"), chat.pieces);
        assertEquals(List.of("a", "", "b"), chat.messages);
    }

    @Test
    void aCountCountsDownAcrossChunksAndThenCollectsEverything() throws IOException {
        // Python, terminator 5, chunks ab, cdefg, hi: pieces [b'ab', b'cde', b'fg', b'hi'],
        // messages [b'abcde'], get_terminator() 0
        ScriptedChat chat = new ScriptedChat();
        chat.setTerminator(5);
        chat.feed("ab");
        assertEquals(Terminator.count(3), chat.getTerminator(), "3 bytes still expected");
        chat.feed("cdefg", "hi");
        assertEquals(List.of("ab", "cde", "fg", "hi"), chat.pieces);
        assertEquals(List.of("abcde"), chat.messages);
        assertEquals(Terminator.count(0), chat.getTerminator());
        assertTrue(chat.getTerminator().collectsAll());
    }

    @Test
    void noTerminatorAnEmptyOneAndACountOfZeroCollectEverything() throws IOException {
        // Python, terminators None, b'' and 0: every chunk collected, found_terminator never called
        for (Terminator t : List.of(Terminator.NONE, Terminator.of(""), Terminator.count(0))) {
            ScriptedChat chat = split(t, "ab", "cd");
            assertEquals(List.of("ab", "cd"), chat.pieces, t.toString());
            assertEquals(List.of(), chat.messages, t.toString());
        }
        assertSame(Terminator.NONE, Terminator.of((byte[]) null), "Python's None");
    }

    @Test
    void findPrefixAtEndAsPython() {
        // CPython's TestHelperFunctions.test_find_prefix_at_end: 1 and 0
        assertEquals(1, AsyncChat.findPrefixAtEnd(b("qwerty\r"), b("\r\n")));
        assertEquals(0, AsyncChat.findPrefixAtEnd(b("qwertydkjf"), b("\r\n")));
        // asynchat.find_prefix_at_end for the lengths in between: 2, 1, 0, 0, 3, 4, 0
        assertEquals(2, AsyncChat.findPrefixAtEnd(b("xqq"), b("qqq")));
        assertEquals(1, AsyncChat.findPrefixAtEnd(b("q"), b("qqq")));
        assertEquals(0, AsyncChat.findPrefixAtEnd(b("abc"), b("c")), "a 1-byte needle has no proper prefix");
        assertEquals(0, AsyncChat.findPrefixAtEnd(b(""), b("\r\n")));
        assertEquals(3, AsyncChat.findPrefixAtEnd(b("..\r\n."), b("\r\n.\r\n")));
        assertEquals(4, AsyncChat.findPrefixAtEnd(b("ab\r\n.\r"), b("\r\n.\r\n")));
        assertEquals(0, AsyncChat.findPrefixAtEnd(b("\r\n"), b("\r\n")), "a whole needle is no prefix");
    }

    @Test
    void terminatorValuesShowAsPythonShowsThem() {
        // repr(b'\r\n'), repr(b'\x00\x7f\xff a'), repr(b'\\'), str(None), str(7)
        assertEquals("b'\\r\\n'", Terminator.of("\r\n").toString());
        assertEquals("b'\\x00\\x7f\\xff a'", Terminator.of(new byte[] {0, 0x7f, (byte) 0xff, ' ', 'a'}).toString());
        assertEquals("b'\\\\'", Terminator.of("\\").toString());
        // repr(b"it's") and repr(b'\'"'): double quotes only when they spare an escape
        assertEquals("b\"it's\"", Terminator.of("it's").toString());
        assertEquals("b'\\'\"'", Terminator.of("'\"").toString());
        assertEquals("None", Terminator.NONE.toString());
        assertEquals("7", Terminator.count(7).toString());
        // Python: ValueError for a negative count
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> Terminator.count(-1));
        assertTrue(negative.getMessage().contains("-1"), negative.getMessage());
        assertEquals(Terminator.of("\r\n"), Terminator.of(new byte[] {'\r', '\n'}), "delimiters compare by content");
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
