package io.asyncore.chat.test;

import static io.asyncore.chat.test.Bytes.b;
import static io.asyncore.chat.test.Bytes.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.chat.Producer;
import io.asyncore.chat.SimpleProducer;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.LoopbackPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The output side: Python's {@code producer_fifo} over a real loopback connection. Plain
 * data and producers come out in the order they were pushed, producers are asked only
 * when they reach the head of the queue, and {@code closeWhenDone} closes after the last
 * byte.
 */
class AsyncChatOutputTest {

    private final ChannelMap map = new ChannelMap("asynchat-output-test");
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

    /** Runs the loop until the chat closed, then reads everything the peer got. */
    private byte[] drainAfterClose() throws IOException {
        Await.passesUntil(map, "chat closed after closeWhenDone", chat::isClosed);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(65536);
        while (pair.far().read(buffer.clear()) > 0) {
            got.write(buffer.array(), 0, buffer.position());
        }
        return got.toByteArray();
    }

    @Test
    void dataAndProducersComeOutInPushOrder() throws IOException {
        AtomicInteger asked = new AtomicInteger();
        String[] pieces = {"P1", "P2", "P3"};
        Producer counting = () -> {
            int i = asked.getAndIncrement();
            return i < pieces.length ? b(pieces[i]) : new byte[0];
        };
        chat.push(b("a"));
        chat.pushWithProducer(new SimpleProducer(b("bcd"), 1));
        chat.push(b("e"));
        chat.pushWithProducer(counting);
        chat.push(new byte[0]);
        chat.push(b("f"));
        chat.closeWhenDone();
        chat.push(b("after the close mark"));

        assertEquals("abcdeP1P2P3f", s(drainAfterClose()));
        assertEquals(4, asked.get(), "three pieces, then the empty answer that ends it");
        assertTrue(chat.isClosed());
    }

    @Test
    void producerIsAskedOnlyAtTheHeadOfTheQueue() throws IOException {
        chat.outBufferSize(4);
        AtomicInteger asked = new AtomicInteger();
        byte[] big = new byte[100];
        chat.push(big); // 25 slices of 4 bytes, one written per send
        chat.pushWithProducer(() -> {
            asked.incrementAndGet();
            return new byte[0];
        });
        assertEquals(0, asked.get(), "not asked while data is ahead of it");
        chat.closeWhenDone();
        assertEquals(100, drainAfterClose().length);
        assertEquals(1, asked.get());
    }

    @Test
    void largePushIsSlicedAndArrivesWhole() throws IOException {
        byte[] payload = new byte[300_000];
        new Random(5).nextBytes(payload);
        chat.push(payload);
        assertTrue(chat.pendingOutputEntries() >= 1);
        chat.closeWhenDone();
        // read concurrently: the payload is larger than the socket buffers
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(65536);
            try {
                while (pair.far().read(buffer.clear()) > 0) {
                    got.write(buffer.array(), 0, buffer.position());
                }
            } catch (IOException ignored) {
                // the assertion below reports a short read
            }
        }, "asynchat-output-reader");
        reader.start();
        Await.passesUntil(map, "300 kB written", chat::isClosed);
        try {
            reader.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertFalse(reader.isAlive());
        assertArrayEquals(payload, got.toByteArray());
    }

    @Test
    void discardBuffersDropsQueuedOutputAndTheCloseMark() throws IOException {
        chat.outBufferSize(1);
        chat.push(b("abc")); // one byte goes out at once
        chat.closeWhenDone();
        chat.discardBuffers();
        assertEquals(0, chat.pendingOutputEntries());
        assertFalse(chat.writable(), "connected, nothing queued");
        chat.push(b("Z"));
        chat.closeWhenDone();
        assertEquals("aZ", s(drainAfterClose()));
    }

    @Test
    void closeWhenDoneWritesNothingByItself() {
        chat.closeWhenDone();
        assertFalse(chat.isClosed(), "the close mark is taken by the next write event");
        assertTrue(chat.writable());
        Await.passesUntil(map, "closed at the next write event", chat::isClosed);
    }

    @Test
    void readsAndWritesInterleaveThroughTheLoop() throws IOException {
        // an echo of lines: every message goes straight back with its terminator
        chat.setTerminator(b("\n"));
        chat.onTerminator = c -> {
            try {
                c.push(Bytes.concat(b("> "), c.messages.get(c.messages.size() - 1), b("\n")));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        pair.far().write(ByteBuffer.wrap(b("one\ntwo\nthr")));
        pair.far().write(ByteBuffer.wrap(b("ee\n")));
        Await.passesUntil(map, "three lines echoed", () -> chat.messages.size() == 3 && chat.pendingOutputEntries() == 0);
        ByteBuffer got = ByteBuffer.allocate(64);
        while (got.position() < "> one\n> two\n> three\n".length()) {
            pair.far().read(got);
        }
        assertEquals("> one\n> two\n> three\n", s(java.util.Arrays.copyOf(got.array(), got.position())));
    }
}
