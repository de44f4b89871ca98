package io.asyncore.chat.test;

import static io.asyncore.chat.test.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.chat.AsyncChat;
import io.asyncore.chat.InputLimitExceededException;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.LogCapture;
import io.asyncore.testkit.LoopbackPair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The input bound against a real flood: a peer streams up to 100 MiB without a
 * terminator into a chat that uses the default collection. The chat must stop at
 * {@code maxInputBytes} (64 MiB by default), report an
 * {@link InputLimitExceededException} naming the limit and close, having held and read
 * no more than the bound plus one read. A chat that collects by itself is not bounded.
 */
class InputBoundTest {

    private static final long HUNDRED_MIB = 100L << 20;

    private final ChannelMap map = new ChannelMap("asynchat-bound-test");

    @AfterEach
    void close() {
        Asyncore.closeAll(map, true);
        Asyncore.closeAll();
    }

    /** Writes {@code total} bytes of 'x' until done or the connection breaks. */
    private static Thread flood(SocketChannel peer, long total, AtomicLong sent, AtomicReference<IOException> failure) {
        Thread writer = new Thread(() -> {
            byte[] chunk = new byte[65536];
            Arrays.fill(chunk, (byte) 'x');
            ByteBuffer buffer = ByteBuffer.wrap(chunk);
            try {
                while (sent.get() < total) {
                    buffer.clear();
                    sent.addAndGet(peer.write(buffer));
                }
            } catch (IOException e) {
                failure.set(e);
            }
        }, "asynchat-flood");
        writer.setDaemon(true);
        writer.start();
        return writer;
    }

    @Test
    void floodWithoutTerminatorIsClosedAtTheDefaultBound() throws Exception {
        try (LogCapture log = LogCapture.dispatcher(); LoopbackPair pair = LoopbackPair.open()) {
            RecordingChat chat = new RecordingChat(pair.near(), map);
            chat.defaultCollection = true;
            chat.setTerminator(b("\r\n"));
            AtomicLong sent = new AtomicLong();
            AtomicReference<IOException> failure = new AtomicReference<>();
            Thread writer = flood(pair.far(), HUNDRED_MIB, sent, failure);

            // a read takes at most 64 KiB: at least 1,024 passes to reach 64 MiB
            Await.passesUntil(map, "chat closed at the bound", Duration.ofSeconds(60), chat::isClosed);
            // NIO closes a registered socket's fd when its selector next selects; the
            // loop would do that in its next pass, or when it ends: end it here
            Asyncore.closeAll(map, true);
            writer.join(30_000);

            assertFalse(writer.isAlive(), "the flooding peer must be cut off");
            assertNotNull(failure.get(), "the peer's writes fail once the chat closed");
            assertTrue(sent.get() < HUNDRED_MIB, "the peer could not deliver its 100 MiB: sent " + sent.get());

            long bound = AsyncChat.DEFAULT_MAX_INPUT_BYTES;
            assertEquals(1, chat.errors.size(), "one error: " + chat.errors);
            InputLimitExceededException e = assertInstanceOf(InputLimitExceededException.class, chat.errors.get(0));
            assertTrue(e.getMessage().startsWith("maxInputBytes=67108864 exceeded"), e.getMessage());
            assertTrue(e.getMessage().contains("b'\\r\\n'"), "names the awaited terminator: " + e.getMessage());

            assertTrue(chat.maxPending <= bound + AsyncChat.DEFAULT_IN_BUFFER_SIZE, "the chat held " + chat.maxPending);
            assertTrue(chat.bytesRead <= bound + AsyncChat.DEFAULT_IN_BUFFER_SIZE,
                    "nothing is read past the bound: read " + chat.bytesRead);
            assertEquals(0, chat.pendingInputBytes());
            assertEquals(0, chat.messages.size());
            assertTrue(log.records().stream().allMatch(r -> r.getThrown() == null),
                    "a limit is an expected condition: logged without a stack trace");
        }
    }

    @Test
    void aConfiguredBoundIsHonouredAndNamed() throws Exception {
        try (LogCapture log = LogCapture.dispatcher(); LoopbackPair pair = LoopbackPair.open()) {
            RecordingChat chat = new RecordingChat(pair.near(), map);
            chat.defaultCollection = true;
            chat.setMaxInputBytes(100_000);
            chat.setTerminator(7_000_000); // a count larger than the bound
            AtomicLong sent = new AtomicLong();
            Thread writer = flood(pair.far(), HUNDRED_MIB, sent, new AtomicReference<>());

            Await.passesUntil(map, "chat closed at the bound", chat::isClosed);
            // NIO closes a registered socket's fd when its selector next selects; the
            // loop would do that in its next pass, or when it ends: end it here
            Asyncore.closeAll(map, true);
            writer.join(30_000);

            assertFalse(writer.isAlive());
            InputLimitExceededException e = assertInstanceOf(InputLimitExceededException.class, chat.errors.get(0));
            assertTrue(e.getMessage().startsWith("maxInputBytes=100000 exceeded"), e.getMessage());
            assertTrue(chat.maxPending <= 100_000 + AsyncChat.DEFAULT_IN_BUFFER_SIZE, "the chat held " + chat.maxPending);
        }
    }

    /** Counts what it collects and keeps nothing: a chat that streams its input away. */
    static final class CountingChat extends AsyncChat {
        long collected;
        int terminators;

        CountingChat(SocketChannel channel, ChannelMap map) {
            super(channel, map);
        }

        @Override
        protected void collectIncomingData(byte[] data) {
            collected += data.length;
        }

        @Override
        protected void foundTerminator() {
            terminators++;
        }
    }

    @Test
    void unboundedChatTakesTheWholeStreamAsPythonDoes() throws Exception {
        long total = 16L << 20;
        try (LoopbackPair pair = LoopbackPair.open()) {
            CountingChat chat = new CountingChat(pair.near(), map);
            chat.setMaxInputBytes(Long.MAX_VALUE);
            chat.setTerminator(b("\n"));
            AtomicLong sent = new AtomicLong();
            AtomicReference<IOException> failure = new AtomicReference<>();
            Thread writer = flood(pair.far(), total, sent, failure);
            // the writer finishes only as the chat reads; pump while it runs, then end the stream
            Await.passesUntil(map, "16 MiB read to the end", () -> {
                if (!writer.isAlive() && sent.get() == total) {
                    try {
                        pair.far().shutdownOutput();
                    } catch (IOException ignored) {
                        // reported by the assertions below
                    }
                }
                return chat.isClosed();
            });
            writer.join(30_000);
            assertEquals(null, failure.get());
            assertEquals(total, chat.collected);
            assertEquals(0, chat.terminators);
        }
    }
}
