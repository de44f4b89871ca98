package io.asyncore.chat.test;

import static io.asyncore.chat.test.Bytes.b;
import static io.asyncore.chat.test.Bytes.concat;
import static io.asyncore.chat.test.Bytes.s;
import static io.asyncore.chat.test.Bytes.strings;
import static io.asyncore.chat.test.EchoPeer.SERVER_QUIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.chat.Producer;
import io.asyncore.chat.SimpleProducer;
import io.asyncore.chat.Terminator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CPython 3.11's {@code test_asynchat.TestAsynchat}, scenario for scenario: an
 * {@link EchoClient} talks to a threaded {@link EchoPeer} on 127.0.0.1 that echoes
 * everything back in 1, 2 or 3 byte chunks, and the client's messages must come out
 * split exactly at the terminator. {@link AsyncChatWithPollTest} runs them all again
 * with {@code usePoll}, as {@code TestAsynchat_WithPoll} does.
 */
class AsyncChatTest {

    private final ChannelMap map = new ChannelMap("asynchat-test");

    /** Python's {@code usepoll}. */
    boolean usePoll() {
        return false;
    }

    @AfterEach
    void closeEverything() {
        Asyncore.closeAll(map, true);
        Asyncore.closeAll();
    }

    /**
     * Python: {@code asyncore.loop(use_poll=..., count=300, timeout=.01)}. The bound is
     * looser (50 ms, 600 passes) for a loaded machine; the loop ends as soon as the client
     * closed, which it does when the peer hangs up.
     */
    private void loop() {
        Asyncore.loop(Duration.ofMillis(50), usePoll(), map, 600);
    }

    private void lineTerminatorCheck(byte[] term, int serverChunk) throws Exception {
        try (EchoPeer s = new EchoPeer()) {
            s.chunkSize = serverChunk;
            s.start();
            EchoClient c = new EchoClient(Terminator.of(term), s.port(), map);
            c.push(b("hello "));
            c.push(concat(b("world"), term));
            c.push(concat(b("I'm not dead yet!"), term));
            c.push(SERVER_QUIT);
            loop();
            s.joinOrFail();

            assertEquals(List.of("hello world", "I'm not dead yet!"), strings(c.contents),
                    "terminator " + Terminator.of(term) + ", server chunk " + serverChunk);
        }
    }

    static Stream<Arguments> chunks() {
        return Stream.of(1, 2, 3).map(Arguments::of);
    }

    // the line terminator tests below check receiving variously-sized chunks back from
    // the server in order to exercise all branches of handleRead

    @ParameterizedTest(name = "server chunk {0}")
    @MethodSource("chunks")
    void lineTerminator1(int chunk) throws Exception {
        // test one-character terminator
        lineTerminatorCheck(b("\n"), chunk);
    }

    @ParameterizedTest(name = "server chunk {0}")
    @MethodSource("chunks")
    void lineTerminator2(int chunk) throws Exception {
        // test two-character terminator
        lineTerminatorCheck(b("\r\n"), chunk);
    }

    @ParameterizedTest(name = "server chunk {0}")
    @MethodSource("chunks")
    void lineTerminator3(int chunk) throws Exception {
        // test three-character terminator
        lineTerminatorCheck(b("qqq"), chunk);
    }

    private void numericTerminatorCheck(int termlen) throws Exception {
        // Try reading a fixed number of bytes
        try (EchoPeer s = EchoPeer.startEcho()) {
            EchoClient c = new EchoClient(Terminator.count(termlen), s.port(), map);
            byte[] data = b("hello world, I'm not dead yet!\n");
            c.push(data);
            c.push(SERVER_QUIT);
            loop();
            s.joinOrFail();

            assertEquals(List.of(s(data).substring(0, termlen)), strings(c.contents));
        }
    }

    @ParameterizedTest(name = "count {0}")
    @ValueSource(ints = {1, 6})
    void numericTerminator(int count) throws Exception {
        // Python checks ints and longs; Java has one setter taking a long
        numericTerminatorCheck(count);
    }

    @Test
    void noneTerminator() throws Exception {
        try (EchoPeer s = EchoPeer.startEcho()) {
            EchoClient c = new EchoClient(Terminator.NONE, s.port(), map);
            byte[] data = b("hello world, I'm not dead yet!\n");
            c.push(data);
            c.push(SERVER_QUIT);
            loop();
            s.joinOrFail();

            assertEquals(List.of(), strings(c.contents));
            assertEquals(s(data), s(c.buffer.toByteArray()));
        }
    }

    @Test
    void simpleProducer() throws Exception {
        try (EchoPeer s = EchoPeer.startEcho()) {
            EchoClient c = new EchoClient(Terminator.of("\n"), s.port(), map);
            byte[] data = b("hello world\nI'm not dead yet!\n");
            SimpleProducer p = new SimpleProducer(concat(data, SERVER_QUIT), 8);
            c.pushWithProducer(p);
            loop();
            s.joinOrFail();

            assertEquals(List.of("hello world", "I'm not dead yet!"), strings(c.contents));
            assertEquals(0, p.remaining());
        }
    }

    @Test
    void stringProducer() throws Exception {
        // Python pushes a bytes object as the producer: it sits in producer_fifo whole and
        // is written in acOutBufferSize slices. Java's equivalent is a producer that hands
        // out everything at once; a small acOutBufferSize makes initiateSend slice it.
        try (EchoPeer s = EchoPeer.startEcho()) {
            EchoClient c = new EchoClient(Terminator.of("\n"), s.port(), map);
            byte[] data = b("hello world\nI'm not dead yet!\n");
            byte[][] once = {concat(data, SERVER_QUIT)};
            Producer whole = () -> {
                byte[] all = once[0];
                once[0] = new byte[0];
                return all;
            };
            c.setOutBufferSize(5);
            c.pushWithProducer(whole);
            loop();
            s.joinOrFail();

            assertEquals(List.of("hello world", "I'm not dead yet!"), strings(c.contents));
        }
    }

    @Test
    void emptyLine() throws Exception {
        // checks that empty lines are handled correctly
        try (EchoPeer s = EchoPeer.startEcho()) {
            EchoClient c = new EchoClient(Terminator.of("\n"), s.port(), map);
            c.push(b("hello world\n\nI'm not dead yet!\n"));
            c.push(SERVER_QUIT);
            loop();
            s.joinOrFail();

            assertEquals(List.of("hello world", "", "I'm not dead yet!"), strings(c.contents));
        }
    }

    @Test
    void closeWhenDone() throws Exception {
        try (EchoPeer s = new EchoPeer()) {
            s.startResend = new CountDownLatch(1);
            s.start();
            EchoClient c = new EchoClient(Terminator.of("\n"), s.port(), map);
            c.push(b("hello world\nI'm not dead yet!\n"));
            c.push(SERVER_QUIT);
            c.closeWhenDone();
            loop();

            // Only allow the server to start echoing data back to the client after the
            // client has closed its connection.
            assertTrue(c.isClosed(), "closeWhenDone closes once the queue is written");
            s.startResend.countDown();
            s.joinOrFail();

            assertEquals(List.of(), strings(c.contents));
            // the server received everything queued before the close mark
            assertEquals("hello world\nI'm not dead yet!\n", s(s.received));
        }
    }

    @Test
    void push() throws Exception {
        // Issue #12523: push() must refuse what is not bytes. Python pushes bytes,
        // bytearray and memoryview; Java pushes byte arrays, copied, so changing the array
        // after push changes nothing. null is the one wrong argument left.
        try (EchoPeer s = EchoPeer.startEcho()) {
            EchoClient c = new EchoClient(Terminator.of("\n"), s.port(), map);
            byte[] data = b("bytes\n");
            c.push(data);
            c.push(data.clone());
            byte[] reused = data.clone();
            c.push(reused);
            reused[0] = 'X';
            NullPointerException e = assertThrows(NullPointerException.class, () -> c.push(null));
            assertTrue(e.getMessage().contains("push"), e.getMessage());
            c.push(SERVER_QUIT);
            loop();
            s.joinOrFail();
            assertEquals(List.of("bytes", "bytes", "bytes"), strings(c.contents));
        }
    }
}
