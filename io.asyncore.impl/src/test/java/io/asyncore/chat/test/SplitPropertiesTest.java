package io.asyncore.chat.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.chat.AsyncChat;
import io.asyncore.chat.Terminator;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.LoopbackPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Property: whatever the messages, their terminators (delimiters of 1 to 4 bytes over a
 * small alphabet, so that partial matches abound, and byte counts, switched inside
 * {@code foundTerminator}), and however the byte stream is cut into writes and reads,
 * an {@link AsyncChat} on a real loopback connection delivers exactly the messages, in
 * order, and the unterminated tail at close.
 */
class SplitPropertiesTest {

    /** One message on the wire: its bytes, then its terminator. */
    record Message(byte[] payload, Terminator terminator) {
        byte[] wire() {
            return terminator instanceof Terminator.Delimiter d ? Bytes.concat(payload, d.bytes()) : payload;
        }

        @Override
        public String toString() {
            return "'" + Bytes.s(payload).replace("\r", "\\r").replace("\n", "\\n") + "' + " + terminator;
        }
    }

    @Provide
    Arbitrary<List<Message>> protocols() {
        Arbitrary<byte[]> payloads = text(0, 20);
        Arbitrary<byte[]> delimiters = text(1, 4);
        Arbitrary<Message> messages = Combinators.combine(payloads, delimiters, Arbitraries.of(true, false))
                .as(SplitPropertiesTest::message);
        return messages.list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<byte[]> tails() {
        return text(0, 20);
    }

    private static Arbitrary<byte[]> text(int min, int max) {
        return Arbitraries.strings().withChars('a', 'b', '\r', '\n').ofMinLength(min).ofMaxLength(max)
                .map(Bytes::b);
    }

    /**
     * A message that ends where its terminator says: a delimited payload is cut before the
     * first place where the delimiter occurs in payload + delimiter; a counted one is never
     * empty (a count of 0 means "no terminator").
     */
    private static Message message(byte[] payload, byte[] delimiter, boolean counted) {
        if (counted) {
            byte[] p = payload.length == 0 ? new byte[] {'x'} : payload;
            return new Message(p, Terminator.count(p.length));
        }
        byte[] wire = Bytes.concat(payload, delimiter);
        int first = EchoPeer.indexOf(wire, delimiter);
        return new Message(Arrays.copyOf(payload, first), Terminator.of(delimiter));
    }

    // Shrinking is off: jqwik 1.9.3 mixes up shrinkables of these combined list arbitraries
    // (a ClassCastException in its shrinker hides the real failure); the failing sample is
    // reported as generated.
    @Property(tries = 200, shrinking = ShrinkingMode.OFF)
    void messagesComeOutExactlyForEverySplit(
            @ForAll("protocols") List<Message> protocol,
            @ForAll("tails") byte[] tail,
            @ForAll @Size(max = 30) List<@IntRange(min = 1, max = 9) Integer> cuts,
            @ForAll @IntRange(min = 1, max = 8) int inBufferSize,
            @ForAll boolean smallReads) throws IOException {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (Message m : protocol) {
            stream.write(m.wire());
        }
        stream.write(tail);
        byte[] all = stream.toByteArray();

        ChannelMap map = new ChannelMap("asynchat-split-property");
        try (LoopbackPair pair = LoopbackPair.open()) {
            RecordingChat chat = new RecordingChat(pair.near(), map);
            if (smallReads) {
                chat.inBufferSize(inBufferSize);
            }
            chat.useTerminator(protocol.isEmpty() ? Terminator.NONE : protocol.get(0).terminator());
            chat.onTerminator = c -> {
                int next = c.messages.size();
                c.useTerminator(next < protocol.size() ? protocol.get(next).terminator() : Terminator.NONE);
            };

            int at = 0;
            for (int i = 0; at < all.length; i++) {
                int n = i < cuts.size() ? Math.min(cuts.get(i), all.length - at) : all.length - at;
                pair.far().write(ByteBuffer.wrap(all, at, n));
                at += n;
                long written = at;
                Await.passesUntil(map, "read " + written + " bytes", () -> chat.bytesRead == written);
            }
            pair.far().shutdownOutput();
            Await.passesUntil(map, "closed at end of stream", chat::isClosed);

            assertEquals(strings(protocol.stream().map(Message::payload).collect(Collectors.toList())),
                    strings(chat.messages), "messages");
            assertEquals(Bytes.s(tail), Bytes.s(chat.current.toByteArray()), "tail collected until close");
            assertEquals(List.of(), chat.errors);
        } finally {
            Asyncore.closeAll(map, true);
        }
    }

    @Property(tries = 300)
    void findPrefixAtEndIsTheLongestProperPrefixAtTheEnd(@ForAll("tails") byte[] haystack, @ForAll("needles") byte[] needle) {
        int expected = 0;
        for (int l = needle.length - 1; l > 0; l--) {
            if (haystack.length >= l && Arrays.equals(haystack, haystack.length - l, haystack.length, needle, 0, l)) {
                expected = l;
                break;
            }
        }
        assertEquals(expected, AsyncChat.findPrefixAtEnd(haystack, needle));
    }

    @Provide
    Arbitrary<byte[]> needles() {
        return text(1, 5);
    }

    private static List<String> strings(List<byte[]> messages) {
        List<String> out = new ArrayList<>();
        for (byte[] m : messages) {
            out.add(Bytes.s(m).replace("\r", "\\r").replace("\n", "\\n"));
        }
        return out;
    }
}
