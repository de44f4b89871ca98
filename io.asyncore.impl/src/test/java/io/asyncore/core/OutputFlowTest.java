package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.DispatcherWithSend;
import io.asyncore.LimitExceededException;
import io.asyncore.OutputFlow;
import io.asyncore.chat.AsyncChat;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link OutputFlow} as both buffered dispatchers use it: bytes counted, the bound named
 * when exceeded, the writability hook at both marks, reading paused while unwritable, and
 * the owned forms queueing the caller's memory without a copy.
 */
@ExtendWith(NoLeaks.class)
class OutputFlowTest {

    private final ChannelMap map = new ChannelMap("output-flow");

    @AfterEach
    void closeAll() {
        Asyncore.closeAll(map, true);
    }

    /** A DispatcherWithSend that records the writability changes it hears. */
    static final class Sender extends DispatcherWithSend {
        final List<Boolean> changes = new ArrayList<>();

        Sender(SocketChannel channel, ChannelMap map) {
            super(channel, map);
        }

        Sender(ChannelMap map) {
            super(map);
        }

        @Override
        protected void handleWritabilityChanged(boolean writable) {
            changes.add(writable);
        }

        @Override
        protected void handleRead() {}

        @Override
        public void handleClose() {
            close();
        }
    }

    /** An AsyncChat that records the writability changes it hears. */
    static final class Chat extends AsyncChat {
        final List<Boolean> changes = new ArrayList<>();

        Chat(SocketChannel channel, ChannelMap map) {
            super(channel, map);
        }

        @Override
        protected void collectIncomingData(byte[] data) {}

        @Override
        protected void foundTerminator() {}

        @Override
        protected void handleWritabilityChanged(boolean writable) {
            changes.add(writable);
        }
    }

    /** A connected pair: [0] for the dispatcher, [1] the peer, blocking, with a small receive buffer. */
    private static SocketChannel[] pair() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            SocketChannel peer = SocketChannel.open();
            peer.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
            peer.connect(listener.getLocalAddress());
            return new SocketChannel[] {listener.accept(), peer};
        }
    }

    @Test
    void theFlowCountsBytesNamesItsBoundAndSignalsBothMarks() throws Exception {
        Sender d = new Sender(map);
        OutputFlow flow = d.outputFlow();
        assertEquals(OutputFlow.DEFAULT_MAX_OUTPUT_BYTES, flow.maxOutputBytes());
        assertEquals(OutputFlow.UNBOUNDED, flow.highWatermark(), "watermarks are off by default");
        flow.setWatermarks(10, 20);
        flow.setMaxOutputBytes(100);
        flow.add(15);
        assertTrue(d.isWritable());
        flow.add(10);
        assertFalse(d.isWritable());
        assertFalse(d.readable(), "reading pauses while unwritable");
        flow.remove(5);
        assertFalse(d.isWritable(), "20 bytes: above the low mark still");
        flow.remove(10);
        assertTrue(d.isWritable());
        assertTrue(d.readable());
        assertEquals(List.of(false, true), d.changes);
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> flow.add(91));
        assertEquals("maxOutputBytes", e.limitName());
        assertEquals(100, e.limit());
        assertEquals(101, e.amount());
        assertEquals("maxOutputBytes=100 exceeded: 101 bytes of unsent output", e.getMessage());
        assertEquals(10, d.pendingOutputBytes(), "nothing counted for the refused bytes");
        assertThrows(IllegalArgumentException.class, () -> flow.setWatermarks(30, 20));
        assertThrows(IllegalArgumentException.class, () -> flow.setMaxOutputBytes(0));
        assertThrows(IllegalArgumentException.class, () -> flow.setDrainTimeout(Duration.ofSeconds(-1)));
        d.close();
    }

    @Test
    void anAsyncChatWithWatermarksPausesReadingAndHearsBothMarks() throws Exception {
        SocketChannel[] p = pair();
        try (SocketChannel peer = p[1]) {
            Chat chat = new Chat(p[0], map);
            chat.setWatermarks(64 * 1024, 256 * 1024);
            byte[] body = new byte[1 << 20];
            Arrays.fill(body, (byte) 'q');
            chat.pushOwned(body);
            assertTrue(chat.pendingOutputBytes() > 256 * 1024, "bytes, not entries: " + chat.pendingOutputBytes());
            assertFalse(chat.isWritable());
            assertFalse(chat.readable());
            assertEquals(List.of(false), chat.changes);
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            long got = 0;
            peer.configureBlocking(false);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (got < body.length && System.nanoTime() - deadline < 0) {
                Asyncore.loop(Duration.ofMillis(1), false, map, 1);
                got += Math.max(0, peer.read(in.clear()));
            }
            assertEquals(body.length, got);
            assertEquals(0, chat.pendingOutputBytes());
            assertTrue(chat.isWritable());
            assertTrue(chat.readable());
            assertEquals(List.of(false, true), chat.changes);
        }
    }

    /** Queues one copied and one owned array on a dispatcher it makes around the channel. */
    interface CopyAndOwn {
        Dispatcher queue(SocketChannel channel, byte[] copied, byte[] owned) throws IOException;
    }

    /**
     * Queues 1 MiB in the copying form and 1 MiB in the owned form behind a peer that has not
     * read yet, then changes both arrays: only the owned one's change arrives. (A caller
     * must not change an owned array; here the change is the evidence of no copy.)
     */
    private void ownedFormSkipsTheCopy(CopyAndOwn form) throws Exception {
        SocketChannel[] p = pair();
        try (SocketChannel peer = p[1]) {
            p[0].setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
            byte[] copied = new byte[1 << 20];
            byte[] owned = new byte[1 << 20];
            Dispatcher d = form.queue(p[0], copied, owned);
            Arrays.fill(copied, (byte) 1);
            Arrays.fill(owned, (byte) 2);
            byte[] got = drain(peer, 2 << 20);
            assertArrayEquals(new byte[1 << 20], Arrays.copyOf(got, 1 << 20), "copied: zeros arrive");
            assertEquals(2, got[got.length - 1], "owned: the late change arrives");
            d.close();
        }
    }

    @Test
    void pushOwnedQueuesTheCallersArrayAndPushCopies() throws Exception {
        ownedFormSkipsTheCopy((channel, copied, owned) -> {
            Chat chat = new Chat(channel, map);
            chat.push(copied);
            chat.pushOwned(owned);
            assertTrue(chat.pendingOutputBytes() > owned.length, "most of both waits: " + chat.pendingOutputBytes());
            return chat;
        });
    }

    @Test
    void sendOwnedQueuesTheCallersBufferAndSendCopies() throws Exception {
        ownedFormSkipsTheCopy((channel, copied, owned) -> {
            Sender d = new Sender(channel, map);
            assertEquals(copied.length, d.send(copied));
            assertEquals(owned.length, d.sendOwned(ByteBuffer.wrap(owned)));
            assertTrue(d.pendingOutputBytes() > owned.length, "most of both waits: " + d.pendingOutputBytes());
            return d;
        });
    }

    /** Runs passes and reads from the peer until {@code total} bytes arrived. */
    private byte[] drain(SocketChannel peer, int total) throws IOException {
        ByteBuffer all = ByteBuffer.allocate(total);
        peer.configureBlocking(false);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (all.hasRemaining() && System.nanoTime() - deadline < 0) {
            Asyncore.loop(Duration.ofMillis(1), false, map, 1);
            peer.read(all);
        }
        assertFalse(all.hasRemaining(), "only " + all.position() + " of " + total + " bytes arrived");
        return all.array();
    }
}
