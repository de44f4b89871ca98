package io.asyncore.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.testkit.Descriptors;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A dispatcher closed during a pass gets no further callback, in that pass or later; and
 * a descriptor number that the system hands out again never routes events to the
 * dispatcher that held it before (CPython issue 75114, where the map was keyed by fd).
 */
@ExtendWith(NoLeaks.class)
class CloseSafetyTest {

    private final ChannelMap map = new ChannelMap("close-safety");
    private final List<SocketChannel> peers = new ArrayList<>();
    private ServerSocketChannel listener;

    @BeforeEach
    void listen() throws IOException {
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void cleanUp() throws IOException {
        for (SocketChannel p : peers) {
            p.close();
        }
        listener.close();
        Asyncore.closeAll(map, true);
        Asyncore.closeAll();
    }

    /** Records every callback, and every callback that came after close(). */
    static class Watched extends Dispatcher {
        final String name;
        final List<String> calls = new ArrayList<>();
        final List<String> afterClose = new ArrayList<>();
        int fd = -1;
        Runnable onRead = () -> { };

        Watched(String name, SocketChannel c, ChannelMap m) {
            super(c, m);
            this.name = name;
        }

        private void record(String what) {
            calls.add(what);
            if (isClosed()) {
                afterClose.add(what);
            }
        }

        @Override
        public boolean readable() {
            record("readable");
            return true;
        }

        @Override
        public boolean writable() {
            record("writable");
            return true;
        }

        @Override
        protected void handleRead() throws IOException {
            record("handleRead");
            onRead.run();
        }

        @Override
        protected void handleWrite() {
            record("handleWrite");
        }

        @Override
        public void handleClose() {
            record("handleClose");
            close();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Opens a connection; returns our end (fd number recorded) and keeps the peer. */
    private SocketChannel connect(int[] fdOut) throws IOException {
        Set<String> before = Descriptors.sockets();
        SocketChannel ours = SocketChannel.open();
        Set<String> added = new TreeSet<>(Descriptors.sockets());
        added.removeAll(before);
        fdOut[0] = added.size() == 1 ? Integer.parseInt(added.iterator().next().split("=")[0]) : -1;
        ours.connect(listener.getLocalAddress());
        peers.add(listener.accept());
        return ours;
    }

    private SocketChannel peerOf(int index) {
        return peers.get(index);
    }

    private void passes(int n) {
        for (int i = 0; i < n; i++) {
            Asyncore.loop(Duration.ofMillis(10), false, map, 1);
        }
    }

    @Test
    void aDispatcherClosedByAnotherInTheSamePassGetsNothingMore() throws Exception {
        int[] fd = new int[1];
        Watched a = new Watched("A", connect(fd), map);
        Watched b = new Watched("B", connect(fd), map);
        a.onRead = b::close;
        b.onRead = a::close;
        peerOf(0).write(ByteBuffer.wrap(new byte[] {1}));
        peerOf(1).write(ByteBuffer.wrap(new byte[] {1}));
        Thread.sleep(50); // both readable before the pass
        passes(1);
        long readers = List.of(a, b).stream().filter(w -> w.calls.contains("handleRead")).count();
        assertEquals(1, readers, "exactly one ran; the other was closed first. A " + a.calls + ", B " + b.calls);
        passes(3);
        assertTrue(a.afterClose.isEmpty() && b.afterClose.isEmpty(),
                "callbacks after close: A " + a.afterClose + ", B " + b.afterClose);
    }

    @Test
    void aDispatcherThatClosesItselfInHandleReadGetsNoWriteEventInThatPass() throws Exception {
        int[] fd = new int[1];
        Watched a = new Watched("A", connect(fd), map);
        a.onRead = a::close; // readable and writable in the same pass
        peerOf(0).write(ByteBuffer.wrap(new byte[] {1}));
        Thread.sleep(50);
        passes(1);
        passes(1); // the first pass may have seen only the write readiness
        assertTrue(a.calls.contains("handleRead"), a.calls.toString());
        assertTrue(a.afterClose.isEmpty(), "after close: " + a.afterClose);
    }

    @Test
    void aRecycledDescriptorNumberNeverReachesTheOldDispatcher() throws Exception {
        int[] fd = new int[1];
        Watched a = new Watched("A", connect(fd), map);
        a.fd = fd[0];
        assertTrue(a.fd >= 0, "could not see A's descriptor number");
        List<Watched> made = new ArrayList<>();
        Watched x = new Watched("X", connect(fd), map);
        x.onRead = () -> {
            try {
                // Close A, then open B in the same pass: NIO keeps A's number reserved
                // until the selector has dropped A's key, so B cannot get it now.
                a.close();
                int[] bfd = new int[1];
                Watched b = new Watched("B", connect(bfd), map);
                b.fd = bfd[0];
                made.add(b);
                x.recv(16);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
        peerOf(0).write(ByteBuffer.wrap(new byte[] {1})); // A has an event pending
        peerOf(1).write(ByteBuffer.wrap(new byte[] {1})); // X will close A
        Thread.sleep(50);
        passes(2);
        assertEquals(1, made.size(), "X ran once");
        Watched b = made.get(0);
        assertNotEquals(a.fd, b.fd, "within the pass that closed A, its number stays reserved");

        // Later passes release A's number; open connections until one gets it back.
        Watched c = null;
        for (int i = 0; i < 50 && c == null; i++) {
            passes(1);
            int[] cfd = new int[1];
            Watched w = new Watched("C" + i, connect(cfd), map);
            w.fd = cfd[0];
            if (w.fd == a.fd) {
                c = w;
            }
        }
        assertTrue(c != null, "descriptor " + a.fd + " was never handed out again");
        int cIndex = peers.size() - 1;
        peerOf(cIndex).write(ByteBuffer.wrap(new byte[] {7}));
        Watched target = c;
        target.onRead = () -> {
            try {
                target.recv(16);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
        Thread.sleep(50);
        passes(3);
        assertTrue(c.calls.contains("handleRead"), "the new owner of fd " + a.fd + " got its event");
        assertTrue(a.afterClose.isEmpty(), "the old owner of fd " + a.fd + " got " + a.afterClose);
        System.out.printf("close safety: A held fd %d; B (opened in the pass that closed A) got fd %d; %s got fd %d back%n",
                a.fd, b.fd, c.name, c.fd);
    }
}
