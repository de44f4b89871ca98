package io.asyncore.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import io.asyncore.EventLoopGroup;
import io.asyncore.testkit.LogCapture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link EventLoopGroup}: loops of their own, round robin, and accepted connections handed over. */
class EventLoopGroupTest {

    private static final int TIMEOUT_MS = 5000;

    private EventLoopGroup group;

    @AfterEach
    void closeGroup() {
        if (group != null) {
            group.close();
        }
        Asyncore.closeAll(null, true);
    }

    /** Echoes on the loop that made it, remembering every thread its hooks ran on. */
    static final class Echo extends Dispatcher {
        static final Set<Echo> ALL = ConcurrentHashMap.newKeySet();
        final String madeOn = Thread.currentThread().getName();
        final Set<String> hookThreads = ConcurrentHashMap.newKeySet();
        private final ByteBuffer buffer = ByteBuffer.allocate(1024);

        Echo(SocketChannel channel) {
            super(channel);
            ALL.add(this);
        }

        @Override
        public boolean readable() {
            hookThreads.add(Thread.currentThread().getName());
            return true;
        }

        @Override
        public boolean writable() {
            return false;
        }

        @Override
        protected void handleRead() throws IOException {
            hookThreads.add(Thread.currentThread().getName());
            buffer.clear();
            if (recv(buffer) > 0) {
                buffer.flip();
                while (buffer.hasRemaining() && !isClosed()) {
                    send(buffer); // tiny echoes on loopback: the socket takes them at once
                }
            }
        }

        @Override
        public void handleClose() {
            close();
        }
    }

    /** Listens in loop 0's map and hands each connection to the group. */
    static final class Listener extends Dispatcher {
        private final EventLoopGroup group;
        private final Function<SocketChannel, Dispatcher> factory;

        Listener(EventLoopGroup group, Function<SocketChannel, Dispatcher> factory) throws IOException {
            super(group.loop(0).map());
            this.group = group;
            this.factory = factory;
            createSocket(AddressFamily.INET);
            bind(new InetSocketAddress("127.0.0.1", 0));
            listen(16);
            addChannel(); // complete (the class is final): joins also when made off the loop thread
        }

        @Override
        protected void handleAccepted(SocketChannel channel, SocketAddress address) {
            group.adopt(channel, factory);
        }

        @Override
        public boolean writable() {
            return false;
        }
    }

    @Test
    void startsNamedLoopsEachOnItsOwnThread() throws Exception {
        group = EventLoopGroup.start("grp", 3);
        assertEquals(3, group.size());
        assertEquals("grp", group.name());
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch ran = new CountDownLatch(3);
        for (int i = 0; i < 3; i++) {
            EventLoop loop = group.loop(i);
            assertEquals("grp-" + i, loop.name());
            assertFalse(loop.inEventLoop());
            loop.execute(() -> {
                threads.add(Thread.currentThread().getName() + (loop.inEventLoop() ? "" : " (not its loop)"));
                ran.countDown();
            });
        }
        assertTrue(ran.await(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        assertEquals(Set.of("grp-0", "grp-1", "grp-2"), threads);
        assertNotSame(group.loop(0).map(), group.loop(1).map());
        assertEquals(group.loops(), List.of(group.loop(0), group.loop(1), group.loop(2)));
    }

    @Test
    void nextGoesRoundRobin() {
        group = EventLoopGroup.start("rr", 3);
        List<EventLoop> seen = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            seen.add(group.next());
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(Set.of(group.loop(0), group.loop(1), group.loop(2)),
                    new HashSet<>(seen.subList(3 * i, 3 * i + 3)), "every loop once in each round");
            assertSame(seen.get(i), seen.get(i + 3));
            assertSame(seen.get(i), seen.get(i + 6));
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> EventLoopGroup.start("none", 0));
        assertThrows(NullPointerException.class, () -> EventLoopGroup.start(null, 1));
        group = EventLoopGroup.start("args", 1);
        assertThrows(NullPointerException.class, () -> group.adopt(null, Echo::new));
        assertThrows(IndexOutOfBoundsException.class, () -> group.loop(1));
    }

    @Test
    void acceptedConnectionsSpreadOverTheLoopsAndStayOnTheirLoop() throws Exception {
        Echo.ALL.clear();
        group = EventLoopGroup.start("spread", 2);
        Listener listener = new Listener(group, Echo::new);
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket client = connect(address);
                clients.add(client);
                byte[] message = ("hello " + i).getBytes(StandardCharsets.US_ASCII);
                client.getOutputStream().write(message);
                assertArrayEquals(message, client.getInputStream().readNBytes(message.length), "echo on connection " + i);
            }
            assertEquals(4, Echo.ALL.size());
            Set<String> loopsUsed = new HashSet<>();
            for (Echo echo : Echo.ALL) {
                loopsUsed.add(echo.madeOn);
                EventLoop home = group.loop(Integer.parseInt(echo.madeOn.substring("spread-".length())));
                assertTrue(home.map().contains(echo), echo + " is in the map of the loop that made it");
                assertEquals(Set.of(echo.madeOn), echo.hookThreads, "hooks of " + echo + " ran on its loop only");
            }
            assertEquals(Set.of("spread-0", "spread-1"), loopsUsed, "connections go to both loops");
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
    }

    @Test
    void aFailingFactoryClosesThatConnectionOnlyAndTheServerGoesOn() throws Exception {
        group = EventLoopGroup.start("fail", 2);
        boolean[] failNext = {true};
        Listener listener = new Listener(group, channel -> {
            synchronized (failNext) {
                if (failNext[0]) {
                    failNext[0] = false;
                    throw new IllegalStateException("refused by the test");
                }
            }
            return new Echo(channel);
        });
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        try (LogCapture log = LogCapture.of("io.asyncore.EventLoopGroup"); Socket refused = connect(address)) {
            assertEquals(-1, refused.getInputStream().read(), "the refused connection is closed");
            assertTrue(log.messages().stream().anyMatch(m -> m.contains("failed; closing it")), log.messages().toString());
        }
        try (Socket served = connect(address)) {
            served.getOutputStream().write('x');
            assertEquals('x', served.getInputStream().read());
        }
        assertFalse(listener.isClosed());
    }

    @Test
    void adoptAfterCloseRejectsAndClosesTheChannel() throws Exception {
        group = EventLoopGroup.start("closed", 2);
        group.close();
        for (EventLoop loop : group.loops()) {
            assertTrue(loop.isClosed());
        }
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
            SocketChannel accepted = server.accept();
            assertThrows(RejectedExecutionException.class, () -> group.adopt(accepted, Echo::new));
            assertFalse(accepted.isOpen());
            assertEquals(-1, client.read(ByteBuffer.allocate(1)), "the peer sees the close");
        }
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            assertFalse(thread.getName().startsWith("closed-") && thread.isAlive() && !thread.getName().contains("watchdog"),
                    "loop thread " + thread.getName() + " still runs");
        }
    }

    @Test
    void adoptOnTheTargetLoopMakesTheDispatcherAtOnce() throws Exception {
        group = EventLoopGroup.start("inline", 1);
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
            SocketChannel accepted = server.accept();
            ChannelMap[] joined = new ChannelMap[1];
            boolean[] madeBeforeReturn = new boolean[1];
            CountDownLatch done = new CountDownLatch(1);
            group.loop(0).execute(() -> {
                group.adopt(accepted, channel -> {
                    Echo echo = new Echo(channel);
                    joined[0] = echo.map();
                    return echo;
                });
                madeBeforeReturn[0] = joined[0] != null;
                done.countDown();
            });
            assertTrue(done.await(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            assertTrue(madeBeforeReturn[0], "on its own loop, adopt runs the factory at once");
            assertSame(group.loop(0).map(), joined[0]);
        }
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS); // bounded reads: a missing echo fails instead of hanging
        return socket;
    }

}
