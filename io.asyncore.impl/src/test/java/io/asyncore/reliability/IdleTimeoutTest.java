package io.asyncore.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.TimeoutKind;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.LogCapture;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Idle timeouts (read, write, both) and connect timeouts, delivered to handleTimeout. */
@ExtendWith(NoLeaks.class)
class IdleTimeoutTest {

    private final ChannelMap map = new ChannelMap("idle");
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        Asyncore.closeAll(map, true);
        Asyncore.closeAll();
    }

    /** An echo handler that records its timeouts and then does the default (log, close). */
    static final class Timed extends Echo.Handler {
        final List<TimeoutKind> fired = new ArrayList<>();
        long closedAt;

        Timed(SocketChannel c, ChannelMap m) {
            super(c, m);
        }

        @Override
        protected void handleTimeout(TimeoutKind kind) throws IOException {
            fired.add(kind);
            super.handleTimeout(kind);
        }
    }

    private Timed accept(Echo.Server[] server, TimeoutKind kind, Duration idle) throws IOException {
        List<Timed> made = new ArrayList<>();
        server[0] = new Echo.Server(map, (c, m) -> {
            Timed t = new Timed(c, m);
            t.timeouts().setIdle(kind, idle);
            made.add(t);
            return t;
        });
        SocketChannel client = SocketChannel.open(server[0].address());
        clients.add(client);
        passUntil(() -> !made.isEmpty());
        return made.get(0);
    }

    private void passUntil(BooleanSupplier done) {
        Await.passesUntil(map, "the condition", Duration.ofSeconds(20), done);
    }

    @Test
    void readIdleClosesASilentPeerWithALogLineNamingTheTimeout() throws IOException {
        try (LogCapture logs = LogCapture.of("io.asyncore.Dispatcher")) {
            Echo.Server[] server = new Echo.Server[1];
            Timed t = accept(server, TimeoutKind.READ_IDLE, Duration.ofMillis(150));
            assertEquals(Duration.ofMillis(150), t.timeouts().idle(TimeoutKind.READ_IDLE));
            passUntil(t::isClosed);
            assertEquals(List.of(TimeoutKind.READ_IDLE), t.fired);
            assertTrue(logs.messages().stream().anyMatch(m -> m.contains("read idle timeout (150 ms) expired")),
                    "log names the timeout: " + logs.messages());
            assertEquals(0, map.timers().size(), "a closed dispatcher leaves no timer behind");
        }
    }

    @Test
    void readIdleIsPushedBackByTrafficWithoutAddingTimers() throws Exception {
        Echo.Server[] server = new Echo.Server[1];
        Timed t = accept(server, TimeoutKind.READ_IDLE, Duration.ofMillis(300));
        SocketChannel client = (SocketChannel) clients.get(0);
        ByteBuffer echo = ByteBuffer.allocate(16);
        long end = System.nanoTime() + Duration.ofMillis(1200).toNanos();
        int sent = 0;
        while (System.nanoTime() - end < 0) { // 1.2 s of traffic, one byte every 50 ms
            client.write(ByteBuffer.wrap(new byte[] {1}));
            sent++;
            long next = System.nanoTime() + Duration.ofMillis(50).toNanos();
            while (System.nanoTime() - next < 0) {
                Asyncore.loop(Duration.ofMillis(10), false, map, 1);
            }
            assertFalse(t.isClosed(), "timed out despite traffic after " + sent + " messages");
            assertTrue(map.timers().size() <= 1, "activity must not add timers: " + map.timers().size());
        }
        assertTrue(t.fired.isEmpty());
        try (LogCapture log = LogCapture.dispatcher()) {
            passUntil(t::isClosed); // silence now: it times out
            assertTimeoutLogged(log, "read idle timeout (300 ms) expired");
        }
        assertEquals(List.of(TimeoutKind.READ_IDLE), t.fired);
        client.configureBlocking(true);
        int total = 0;
        while (client.read(echo.clear()) > 0) {
            total += echo.position();
        }
        assertEquals(sent, total, "every byte was echoed before the close");
    }

    @Test
    void writeIdleAndAllIdleFire() throws IOException {
        try (LogCapture log = LogCapture.dispatcher()) {
            Echo.Server[] server = new Echo.Server[1];
            Timed w = accept(server, TimeoutKind.WRITE_IDLE, Duration.ofMillis(100));
            passUntil(w::isClosed);
            assertEquals(List.of(TimeoutKind.WRITE_IDLE), w.fired);
            assertTimeoutLogged(log, "write idle timeout (100 ms) expired");
            Asyncore.closeAll(map, true);

            Timed a = accept(server, TimeoutKind.ALL_IDLE, Duration.ofMillis(100));
            passUntil(a::isClosed);
            assertEquals(List.of(TimeoutKind.ALL_IDLE), a.fired);
            assertTimeoutLogged(log, "info: idle timeout (100 ms) expired");
        }
    }

    private static void assertTimeoutLogged(LogCapture log, String text) {
        assertTrue(log.messages().stream().anyMatch(m -> m.contains(text)), text + " not in " + log.messages());
    }

    @Test
    void aHandlerThatStaysOpenHearsAgainOnePeriodLater() throws IOException {
        List<TimeoutKind> fired = new ArrayList<>();
        List<Dispatcher> made = new ArrayList<>();
        new Echo.Server(map, (c, m) -> {
            Echo.Handler e = new Echo.Handler(c, m) {
                @Override
                protected void handleTimeout(TimeoutKind kind) {
                    fired.add(kind); // keep the connection
                }
            };
            e.timeouts().setIdle(TimeoutKind.READ_IDLE, Duration.ofMillis(50));
            made.add(e);
            return e;
        });
        clients.add(SocketChannel.open(((Echo.Server) map.dispatchers().get(0)).address()));
        passUntil(() -> fired.size() >= 3);
        assertFalse(made.get(0).isClosed());
        made.get(0).timeouts().setIdle(TimeoutKind.READ_IDLE, null);
        assertNull(made.get(0).timeouts().idle(TimeoutKind.READ_IDLE));
        assertEquals(0, map.timers().size(), "turning a timeout off cancels its timer");
    }

    @Test
    void connectTimeoutFiresWhenTheHandshakeNeverCompletes() throws Exception {
        // A listener with a full accept queue drops further SYNs: the connect stays pending.
        try (ServerSocketChannel full = ServerSocketChannel.open()) {
            full.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            InetSocketAddress to = (InetSocketAddress) full.getLocalAddress();
            for (int i = 0; i < 4; i++) {
                SocketChannel filler = SocketChannel.open();
                filler.configureBlocking(false);
                filler.connect(to);
                clients.add(filler);
            }
            Thread.sleep(200);
            List<TimeoutKind> fired = new ArrayList<>();
            Dispatcher d = new Dispatcher(map) {
                @Override
                protected void handleConnect() {}

                @Override
                protected void handleTimeout(TimeoutKind kind) throws IOException {
                    fired.add(kind);
                    super.handleTimeout(kind);
                }
            };
            d.createSocket(AddressFamily.INET);
            d.timeouts().setConnect(Duration.ofMillis(300));
            assertEquals(Duration.ofMillis(300), d.timeouts().connect());
            d.connect(to);
            try (LogCapture log = LogCapture.dispatcher()) {
                passUntil(d::isClosed);
                assertTimeoutLogged(log, "connect timeout (300 ms) expired");
            }
            assertEquals(List.of(TimeoutKind.CONNECT), fired);
            assertFalse(d.isConnected());
        }
    }

    @Test
    void connectTimeoutDoesNotFireOnceConnected() throws Exception {
        Echo.Server server = new Echo.Server(map, (c, m) -> new Echo.Handler(c, m));
        List<TimeoutKind> fired = new ArrayList<>();
        Dispatcher d = new Dispatcher(map) {
            @Override
            protected void handleConnect() {}

            @Override
            public boolean writable() {
                return !isConnected();
            }

            @Override
            protected void handleRead() throws IOException {
                recv(64);
            }

            @Override
            protected void handleTimeout(TimeoutKind kind) {
                fired.add(kind);
            }
        };
        d.createSocket(AddressFamily.INET);
        d.timeouts().setConnect(Duration.ofMillis(100));
        d.connect(server.address());
        passUntil(d::isConnected);
        long end = System.nanoTime() + Duration.ofMillis(400).toNanos();
        while (System.nanoTime() - end < 0) {
            Asyncore.loop(Duration.ofMillis(50), false, map, 1);
        }
        assertTrue(fired.isEmpty(), "fired " + fired);
        assertEquals(0, map.timers().size());
    }

    @Test
    void anExceptionFromHandleTimeoutReachesHandleErrorAndClosesOnlyThatDispatcher() throws IOException {
        IllegalStateException boom = new IllegalStateException("handleTimeout throws on purpose");
        List<Throwable> errors = new ArrayList<>();
        List<Dispatcher> made = new ArrayList<>();
        Echo.Server server = new Echo.Server(map, (c, m) -> {
            Echo.Handler e = new Echo.Handler(c, m) {
                @Override
                protected void handleTimeout(TimeoutKind kind) {
                    throw boom;
                }

                @Override
                public void handleError(Throwable error) {
                    errors.add(error);
                    super.handleError(error);
                }
            };
            if (made.isEmpty()) {
                e.timeouts().setIdle(TimeoutKind.READ_IDLE, Duration.ofMillis(50)); // only the first
            }
            made.add(e);
            return e;
        });
        clients.add(SocketChannel.open(server.address()));
        clients.add(SocketChannel.open(server.address()));
        try (LogCapture log = LogCapture.dispatcher()) {
            passUntil(() -> made.size() == 2 && made.get(0).isClosed());
            assertEquals(1, log.messages().size(), log.messages().toString());
        }
        assertEquals(List.of(boom), errors);
        assertFalse(made.get(1).isClosed(), "the other connection is untouched");
        assertFalse(server.isClosed());
    }

    @Test
    void misuseIsRejected() throws IOException {
        Dispatcher d = new Dispatcher(map) { };
        assertThrows(IllegalArgumentException.class, () -> d.timeouts().setIdle(TimeoutKind.CONNECT, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> d.timeouts().setIdle(TimeoutKind.READ_IDLE, Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> d.timeouts().setConnect(Duration.ofSeconds(-1)));
    }
}
