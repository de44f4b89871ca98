package io.asyncore.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.DispatcherWithSend;
import io.asyncore.LimitExceededException;
import io.asyncore.OutputFlow;
import io.asyncore.TimeoutKind;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.LogCapture;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Output flow control of {@link DispatcherWithSend}: with the opt-in watermarks a peer
 * that sends but never reads cannot grow the server's buffer beyond the high watermark
 * plus one read's worth; by default reading never pauses (Python's behaviour) and the
 * output bound ends such a peer's connection instead of exhausting the heap.
 */
@ExtendWith(NoLeaks.class)
class BackpressureTest {

    private static final long GIB = 1L << 30;
    /** The echo handler reads at most 8 KiB per event: the most one read adds above the mark. */
    private static final int ONE_READ = 8192;

    private final ChannelMap map = new ChannelMap("backpressure");
    private final List<Echo.Handler> handlers = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        Asyncore.closeAll(map, true);
        Asyncore.closeAll();
    }

    private Echo.Server server(long low, long high) throws IOException {
        return new Echo.Server(map, (c, m) -> {
            Echo.Handler e = new Echo.Handler(c, m);
            if (high > 0) {
                e.setWatermarks(low, high);
            }
            handlers.add(e);
            return e;
        });
    }

    /** Result of pushing bytes at a server that echoes to a client that does not read. */
    record Push(long sent, long maxPending, boolean stalled) { }

    /**
     * Writes up to {@code limit} bytes from a client that never reads, running server passes
     * in between, until the limit or until nothing moves for 300 passes.
     */
    private Push push(SocketChannel client, long limit) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(256 * 1024);
        long sent = 0;
        long maxPending = 0;
        int idlePasses = 0;
        while (sent < limit && idlePasses < 300) {
            chunk.clear();
            if (limit - sent < chunk.capacity()) {
                chunk.limit((int) (limit - sent));
            }
            int n;
            try {
                n = client.write(chunk);
            } catch (IOException e) {
                break; // the server closed the connection (the output bound)
            }
            sent += n;
            Asyncore.loop(Duration.ofMillis(1), false, map, 1);
            for (Echo.Handler h : handlers) {
                maxPending = Math.max(maxPending, h.pendingOutputBytes());
            }
            idlePasses = n == 0 ? idlePasses + 1 : 0;
        }
        return new Push(sent, maxPending, sent < limit);
    }

    private SocketChannel client(Echo.Server server) throws IOException {
        int before = handlers.size();
        SocketChannel client = SocketChannel.open(server.address());
        client.configureBlocking(false);
        while (handlers.size() == before) {
            Asyncore.loop(Duration.ofMillis(10), false, map, 1);
        }
        return client;
    }

    @Test
    void withWatermarksAClientThatNeverReadsCannotGrowTheServersBuffer() throws Exception {
        // Heap in use via Runtime (java.management is not readable from this test module).
        Runtime memory = Runtime.getRuntime();
        System.gc();
        long heapBefore = memory.totalMemory() - memory.freeMemory();
        Echo.Server server = server(OutputFlow.SUGGESTED_LOW_WATERMARK, OutputFlow.SUGGESTED_HIGH_WATERMARK);
        try (SocketChannel client = client(server)) {
            Echo.Handler h = handlers.get(0);
            assertEquals(OutputFlow.SUGGESTED_LOW_WATERMARK, h.outputFlow().lowWatermark());
            assertEquals(OutputFlow.SUGGESTED_HIGH_WATERMARK, h.outputFlow().highWatermark());
            Push p = push(client, GIB);
            System.gc();
            long heapGrowth = memory.totalMemory() - memory.freeMemory() - heapBefore;
            assertTrue(p.stalled(), "the server kept reading: " + p);
            assertFalse(h.isWritable());
            long high = h.outputFlow().highWatermark();
            assertTrue(p.maxPending() <= high + ONE_READ,
                    "buffer grew to " + p.maxPending() + " bytes, high watermark " + high);
            assertTrue(heapGrowth < 64L << 20, "heap grew by " + heapGrowth + " bytes");
            System.out.printf("backpressure: client stalled after %d bytes, server buffer peaked at %d bytes, heap +%d KiB%n",
                    p.sent(), p.maxPending(), heapGrowth >> 10);
        }
    }

    @Test
    void byDefaultReadingNeverPausesAsInPython() throws Exception {
        Echo.Server server = server(0, 0); // defaults
        try (SocketChannel client = client(server)) {
            assertEquals(OutputFlow.UNBOUNDED, handlers.get(0).outputFlow().highWatermark());
            client.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
            long limit = 32L << 20;
            Push p = push(client, limit);
            // Without the watermark the server reads everything and buffers what the client
            // does not take: the bound above is the watermark's doing, not the kernel's.
            assertFalse(p.stalled(), p.toString());
            assertTrue(p.maxPending() > 4 * OutputFlow.SUGGESTED_HIGH_WATERMARK, p.toString());
            assertTrue(handlers.get(0).isWritable(), "no watermarks, always writable");
        }
    }

    @Test
    void byDefaultTheOutputBoundEndsOnlyThePeerThatNeverReads() throws Exception {
        long bound = 4L << 20; // the 64 MiB default, scaled down to keep the test short
        List<Throwable> errors = new ArrayList<>();
        Echo.Server server = new Echo.Server(map, (c, m) -> {
            Echo.Handler e = new Echo.Handler(c, m) {
                @Override
                public void handleError(Throwable error) {
                    errors.add(error);
                    super.handleError(error);
                }
            };
            assertEquals(OutputFlow.DEFAULT_MAX_OUTPUT_BYTES, e.outputFlow().maxOutputBytes());
            e.outputFlow().setMaxOutputBytes(bound);
            handlers.add(e);
            return e;
        });
        try (LogCapture logs = LogCapture.dispatcher();
                SocketChannel client = client(server);
                SocketChannel other = client(server)) {
            Echo.Handler h = handlers.get(0);
            Push p = push(client, 64L << 20);
            assertTrue(h.isClosed(), "the connection that never reads was closed: " + p);
            assertEquals(1, errors.size(), errors.toString());
            LimitExceededException e = (LimitExceededException) errors.get(0);
            assertEquals("maxOutputBytes", e.limitName());
            assertEquals(bound, e.limit());
            assertTrue(e.amount() > bound, e.getMessage());
            assertTrue(p.maxPending() <= bound, "pending peaked at " + p.maxPending());
            assertFalse(logs.messages().isEmpty(), "the limit was logged");
            // the other connection is served as before
            other.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            ByteBuffer back = ByteBuffer.allocate(3);
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (back.hasRemaining() && System.nanoTime() - end < 0) {
                Asyncore.loop(Duration.ofMillis(5), false, map, 1);
                other.read(back);
            }
            assertArrayEquals(new byte[] {1, 2, 3}, back.array());
        }
    }

    @Test
    void readingResumesBelowTheLowWatermarkAndNothingIsLost() throws Exception {
        Echo.Server server = server(16 * 1024, 64 * 1024);
        try (SocketChannel client = client(server)) {
            Echo.Handler h = handlers.get(0);
            MessageDigest sentDigest = MessageDigest.getInstance("SHA-256");
            MessageDigest gotDigest = MessageDigest.getInstance("SHA-256");
            long total = 16L << 20;
            ByteBuffer out = ByteBuffer.allocate(64 * 1024);
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            long sent = 0;
            long got = 0;
            long seed = 1;
            int paused = 0;
            boolean wasPaused = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (got < total) {
                assertTrue(System.nanoTime() - deadline < 0, "echo did not complete: sent " + sent + ", got " + got);
                if (sent < total && !out.hasRemaining() || sent == 0 && out.position() == 0) {
                    out.clear();
                    for (int i = 0; i < out.capacity(); i++) {
                        seed = seed * 6364136223846793005L + 1442695040888963407L;
                        out.put((byte) (seed >>> 56));
                    }
                    out.flip();
                    sentDigest.update(out.duplicate());
                }
                if (sent < total) {
                    sent += client.write(out);
                }
                Asyncore.loop(Duration.ofMillis(1), false, map, 1);
                if (!h.isWritable() && !wasPaused) {
                    paused++;
                }
                wasPaused = !h.isWritable();
                assertTrue(h.pendingOutputBytes() <= 64 * 1024 + ONE_READ, "pending " + h.pendingOutputBytes());
                // Read only while the server is paused, so it keeps hitting its watermark and
                // must resume by itself once the client drains it.
                if (!h.isWritable() || sent >= total) {
                    in.clear();
                    int n = client.read(in);
                    if (n > 0) {
                        in.flip();
                        gotDigest.update(in);
                        got += n;
                    }
                }
            }
            assertEquals(total, got);
            assertArrayEquals(sentDigest.digest(), gotDigest.digest(), "echo differs");
            assertTrue(paused > 0, "the watermark never paused reading");
            assertTrue(h.isWritable(), "reading resumed once drained");
        }
    }

    @Test
    void aWriteIdleTimeoutDropsThePeerThatNeverReads() throws Exception {
        Echo.Server server = server(OutputFlow.SUGGESTED_LOW_WATERMARK, OutputFlow.SUGGESTED_HIGH_WATERMARK);
        try (SocketChannel client = client(server)) {
            Echo.Handler h = handlers.get(0);
            Push p = push(client, GIB); // stalls: reading paused, nothing can be written
            assertTrue(p.stalled() && !h.isWritable(), p.toString());
            h.timeouts().setIdle(TimeoutKind.WRITE_IDLE, Duration.ofMillis(300));
            try (LogCapture log = LogCapture.dispatcher()) {
                Await.passesUntil(map, "the stuck connection dropped", Duration.ofSeconds(20), h::isClosed);
                assertTrue(log.messages().stream().anyMatch(m -> m.contains("write idle timeout (300 ms) expired")),
                        log.messages().toString());
            }
            assertEquals(1, map.size(), "only the listener is left");
        }
    }

    @Test
    void overridingReadableComposesWithTheWatermark() throws Exception {
        DispatcherWithSend d = new DispatcherWithSend(map) {
            @Override
            public boolean readable() {
                return super.readable() && !isClosed();
            }
        };
        d.setWatermarks(10, 20);
        assertTrue(d.readable());
        assertThrows(IllegalArgumentException.class, () -> d.setWatermarks(30, 20));
        assertThrows(IllegalArgumentException.class, () -> d.setWatermarks(-1, 20));
        assertThrows(IllegalArgumentException.class, () -> d.setWatermarks(0, 0));
    }
}
