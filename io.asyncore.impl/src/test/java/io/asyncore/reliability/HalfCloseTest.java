package io.asyncore.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.OutputFlow;
import io.asyncore.chat.AsyncChat;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.LogCapture;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A peer sends N bytes, shuts down its write side, then reads with a 4 KiB receive
 * buffer: the echo sees end of stream while most of its answer still waits in its
 * queue, and must finish sending before it closes. Python's asyncore closes at once and
 * drops the rest.
 */
@ExtendWith(NoLeaks.class)
class HalfCloseTest {

    private final ChannelMap map = new ChannelMap("half-close");

    @AfterEach
    void cleanUp() {
        Asyncore.closeAll(map, true);
        Asyncore.closeAll();
    }

    /** An echo on AsyncChat: every piece it collects it pushes back. */
    static final class ChatEcho extends AsyncChat {
        ChatEcho(SocketChannel c, ChannelMap m) {
            super(c, m);
        }

        @Override
        protected void collectIncomingData(byte[] data) throws IOException {
            pushOwned(data);
        }

        @Override
        protected void foundTerminator() {
            // no terminator: everything is collected until the peer closes
        }
    }

    private static byte pattern(long i) {
        return (byte) (i * 7 + (i >>> 11));
    }

    @ParameterizedTest(name = "{0} MiB over {1}")
    @CsvSource({"1, DispatcherWithSend", "4, DispatcherWithSend", "8, DispatcherWithSend",
        "1, AsyncChat", "4, AsyncChat", "8, AsyncChat"})
    void everyByteComesBackAfterTheClientsHalfClose(int mib, String kind) throws Exception {
        long total = (long) mib << 20;
        BiFunction<SocketChannel, ChannelMap, Dispatcher> factory = kind.equals("AsyncChat")
                ? ChatEcho::new : Echo.Handler::new;
        Dispatcher[] handler = new Dispatcher[1];
        Echo.Server server = new Echo.Server(map, (c, m) -> handler[0] = factory.apply(c, m));
        try (SocketChannel client = SocketChannel.open()) {
            client.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            client.connect(server.address());
            AtomicLong got = new AtomicLong();
            AtomicLong mismatches = new AtomicLong();
            AtomicReference<IOException> failure = new AtomicReference<>();
            Thread peer = new Thread(() -> {
                try {
                    ByteBuffer out = ByteBuffer.allocate(64 * 1024);
                    for (long sent = 0; sent < total; ) {
                        out.clear();
                        int n = (int) Math.min(out.capacity(), total - sent);
                        for (int i = 0; i < n; i++) {
                            out.put(pattern(sent + i));
                        }
                        out.flip();
                        while (out.hasRemaining()) {
                            sent += client.write(out);
                        }
                    }
                    client.shutdownOutput();
                    ByteBuffer in = ByteBuffer.allocate(4096);
                    for (int n; (n = client.read(in.clear())) >= 0; ) {
                        for (int i = 0; i < n; i++) {
                            if (in.get(i) != pattern(got.get() + i)) {
                                mismatches.incrementAndGet();
                            }
                        }
                        got.addAndGet(n);
                    }
                } catch (IOException e) {
                    failure.set(e);
                }
            }, "half-close-peer");
            peer.setDaemon(true);
            peer.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (peer.isAlive() && System.nanoTime() - deadline < 0) {
                Asyncore.loop(Duration.ofMillis(5), false, map, 1);
            }
            peer.join(1000);
            assertNull(failure.get());
            assertEquals(total, got.get(), "every byte came back before the close");
            assertEquals(0, mismatches.get(), "every byte intact");
            assertTrue(handler[0].isClosed(), "and then the echo closed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"DispatcherWithSend", "AsyncChat"})
    void aPeerThatHalfClosesAndNeverReadsIsClosedAfterTheDrainTimeout(String kind) throws Exception {
        Dispatcher[] handler = new Dispatcher[1];
        Echo.Server server = new Echo.Server(map, (c, m) -> {
            Dispatcher d = kind.equals("AsyncChat") ? new ChatEcho(c, m) : new Echo.Handler(c, m);
            flow(d).setDrainTimeout(Duration.ofMillis(300));
            return handler[0] = d;
        });
        try (LogCapture logs = LogCapture.dispatcher(); SocketChannel client = SocketChannel.open()) {
            client.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            client.connect(server.address());
            client.configureBlocking(false);
            ByteBuffer out = ByteBuffer.allocate(4 << 20);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.hasRemaining() && System.nanoTime() - deadline < 0) {
                client.write(out);
                Asyncore.loop(Duration.ofMillis(1), false, map, 1);
            }
            client.shutdownOutput(); // and never reads
            while ((handler[0] == null || !flow(handler[0]).isDraining()) && System.nanoTime() - deadline < 0) {
                Asyncore.loop(Duration.ofMillis(5), false, map, 1);
            }
            assertTrue(flow(handler[0]).isDraining(), "draining after the half-close");
            assertTrue(!handler[0].readable(), "no reading while draining");
            while (!handler[0].isClosed() && System.nanoTime() - deadline < 0) {
                Asyncore.loop(Duration.ofMillis(20), false, map, 1);
            }
            assertTrue(handler[0].isClosed(), "closed once the drain timeout passed");
            // logInfo(..., "warning"): quiet while "warning" is in ignoreLogTypes, as in Python
            assertEquals(List.of(), logs.messages());
        }
    }

    private static OutputFlow flow(Dispatcher d) {
        return d instanceof AsyncChat chat ? chat.outputFlow() : ((Echo.Handler) d).outputFlow();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"DispatcherWithSend", "AsyncChat"})
    void aDrainTimeoutOfZeroDropsTheOutputAsPythonDoes(String kind) throws Exception {
        Dispatcher[] handler = new Dispatcher[1];
        Echo.Server server = new Echo.Server(map, (c, m) -> {
            Dispatcher d = kind.equals("AsyncChat") ? new ChatEcho(c, m) : new Echo.Handler(c, m);
            OutputFlow flow = flow(d);
            assertEquals(OutputFlow.DEFAULT_DRAIN_TIMEOUT, flow.drainTimeout());
            flow.setDrainTimeout(Duration.ZERO);
            return handler[0] = d;
        });
        try (SocketChannel client = SocketChannel.open()) {
            client.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            client.connect(server.address());
            client.configureBlocking(false);
            ByteBuffer out = ByteBuffer.allocate(1 << 20);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.hasRemaining() && System.nanoTime() - deadline < 0) {
                client.write(out);
                Asyncore.loop(Duration.ofMillis(1), false, map, 1);
            }
            client.shutdownOutput();
            while ((handler[0] == null || !handler[0].isClosed()) && System.nanoTime() - deadline < 0) {
                Asyncore.loop(Duration.ofMillis(5), false, map, 1);
            }
            assertTrue(handler[0].isClosed(), "closed at end of stream without draining");
        }
    }
}
