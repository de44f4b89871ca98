package io.asyncore.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.DispatcherWithSend;
import io.asyncore.OutputFlow;
import io.asyncore.TimeoutKind;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The echo example's flow control, one map served on the test thread: a bulk client that
 * sends 8 MiB before reading completes (it deadlocked when both sides paused reading by
 * default), and a slow reader cannot make the server hold more than the high watermark
 * plus one read, while the writability hook fires at both marks.
 */
class EchoFlowControlTest {

    private static final int SOCKET_BUFFER = 64 * 1024;
    /** EchoHandler reads at most this much per event: the most one read adds above the mark. */
    private static final int ONE_READ = 8192;

    private final ChannelMap map = new ChannelMap("echo-flow-control");
    private final List<Recording> handlers = new ArrayList<>();

    @AfterEach
    void closeAll() {
        Asyncore.closeAll(map, true);
        Asyncore.closeAll();
    }

    /** The example's handler, recording the writability changes it hears. */
    static final class Recording extends EchoHandler {
        final List<Boolean> changes = new ArrayList<>();
        long maxPending;

        Recording(SocketChannel sock, ChannelMap map) {
            super(sock, map);
        }

        @Override
        protected void handleWritabilityChanged(boolean writable) {
            changes.add(writable);
        }

        @Override
        protected void handleRead() throws IOException {
            super.handleRead();
            maxPending = Math.max(maxPending, pendingOutputBytes());
        }
    }

    /** The example's server with 64 KiB socket buffers on every accepted connection. */
    private EchoServer server() throws IOException {
        return server(true);
    }

    /** As {@link #server()}; without the example's watermarks, the handlers have the defaults. */
    private EchoServer server(boolean exampleWatermarks) throws IOException {
        EchoServer server = new EchoServer("127.0.0.1", 0, map) {
            @Override
            protected void handleAccepted(SocketChannel sock, SocketAddress addr) {
                try {
                    sock.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
                    sock.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                Recording handler = new Recording(sock, map);
                if (!exampleWatermarks) {
                    handler.setWatermarks(0, OutputFlow.UNBOUNDED);
                }
                handlers.add(handler);
            }
        };
        ((ServerSocketChannel) server.channel()).setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
        return server;
    }

    /** The byte at offset {@code i} of every stream these tests send. */
    private static byte pattern(long i) {
        return (byte) (i * 31 + (i >>> 9));
    }

    /** Python's bulk-transfer client: queues everything at connect, then checks the echo. */
    static final class BulkClient extends DispatcherWithSend {
        final int total;
        long received;
        long mismatches;

        BulkClient(ChannelMap map, int total) {
            super(map);
            this.total = total;
        }

        @Override
        protected void handleConnect() throws IOException {
            byte[] payload = new byte[total];
            for (int i = 0; i < total; i++) {
                payload[i] = pattern(i);
            }
            send(payload);
        }

        @Override
        protected void handleRead() throws IOException {
            byte[] data = recv(65536);
            for (byte b : data) {
                if (b != pattern(received++)) {
                    mismatches++;
                }
            }
            if (received == total) {
                close();
            }
        }

        @Override
        public void handleClose() {
            close();
        }
    }

    @ParameterizedTest(name = "example watermarks on the echo: {0}")
    @ValueSource(booleans = {true, false})
    void anEightMebibyteBulkClientCompletesThroughTheEchoExample(boolean exampleWatermarks) throws Exception {
        // Python 3.11 completes the same program (dispatcher_with_send on both sides, the
        // echo reading 8 KiB, the client 64 KiB, 64 KiB socket buffers, one map) in 1,067
        // passes of asyncore.loop(timeout=0.01, count=1): a script run with python3.11.
        EchoServer server = server(exampleWatermarks);
        BulkClient client = new BulkClient(map, 8 << 20);
        client.createSocket();
        SocketChannel channel = (SocketChannel) client.channel();
        channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
        channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
        client.connect(server.localAddress());
        int passes = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!client.isClosed() && System.nanoTime() - deadline < 0) {
            Asyncore.loop(Duration.ofMillis(10), false, map, 1);
            passes++;
        }
        assertTrue(client.isClosed(), "stalled after " + passes + " passes: received " + client.received
                + ", client queue " + client.pendingOutputBytes() + ", server queue "
                + (handlers.isEmpty() ? "-" : handlers.get(0).pendingOutputBytes()));
        assertEquals(8 << 20, client.received);
        assertEquals(0, client.mismatches, "every byte intact");
    }

    @Test
    void aSlowReaderCostsTheEchoNoMoreThanTheHighWatermark() throws Exception {
        // 256 MiB: 4.6 to 12 s on the shared 2-core test machine; 1 GiB took 18 to 49 s there
        long total = 256L << 20;
        EchoServer server = server();
        try (SocketChannel client = SocketChannel.open()) {
            // a small receive buffer: the echo's output backs up into the server's queue
            client.setOption(StandardSocketOptions.SO_RCVBUF, 32 * 1024);
            client.connect(server.localAddress());
            client.configureBlocking(false);
            while (handlers.isEmpty()) {
                Asyncore.loop(Duration.ofMillis(10), false, map, 1);
            }
            Recording h = handlers.get(0);
            assertEquals(OutputFlow.SUGGESTED_HIGH_WATERMARK, h.outputFlow().highWatermark());
            assertEquals(EchoHandler.IDLE_TIMEOUT, h.timeouts().idle(TimeoutKind.ALL_IDLE));
            ByteBuffer out = ByteBuffer.allocate(256 * 1024);
            ByteBuffer in = ByteBuffer.allocate(16 * 1024); // reads less than the echo sends: slow
            long sent = 0;
            long got = 0;
            long mismatches = 0;
            out.limit(0);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (got < total) {
                assertTrue(System.nanoTime() - deadline < 0, "echo did not complete: sent " + sent + ", got " + got);
                if (!out.hasRemaining() && sent < total) {
                    out.clear();
                    int n = (int) Math.min(out.capacity(), total - sent);
                    for (int i = 0; i < n; i++) {
                        out.put(pattern(sent + i));
                    }
                    out.flip();
                }
                sent += client.write(out);
                // four passes read up to 4 x 8 KiB; the client takes at most 16 KiB of it
                Asyncore.loop(Duration.ZERO, false, map, 4);
                in.clear();
                int n = client.read(in);
                for (int i = 0; i < n; i++) {
                    if (in.get(i) != pattern(got + i)) {
                        mismatches++;
                    }
                }
                got += Math.max(n, 0);
            }
            assertEquals(0, mismatches, "every byte intact");
            long high = h.outputFlow().highWatermark();
            assertTrue(h.maxPending <= high + ONE_READ,
                    "the server held " + h.maxPending + " bytes, high watermark " + high);
            assertTrue(h.changes.size() >= 2, "the hook fired at both marks: " + h.changes.size());
            assertEquals(Boolean.FALSE, h.changes.get(0), "first crossing: above the high mark");
            for (int i = 0; i < h.changes.size(); i++) {
                assertEquals(i % 2 == 1, h.changes.get(i), "changes alternate");
            }
            System.out.printf("slow reader: %d MiB echoed, server queue peaked at %d bytes, %d writability changes%n",
                    total >> 20, h.maxPending, h.changes.size());
        }
    }
}
