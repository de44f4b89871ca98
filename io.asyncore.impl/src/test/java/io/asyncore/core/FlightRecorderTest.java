package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import io.asyncore.LimitExceededException;
import io.asyncore.spi.Engines;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.LogCapture;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A recording made while a handler holds the loop thread holds the engine's flight
 * recorder events, each naming the dispatcher by its repr, as {@code jfr print} shows them.
 */
@ExtendWith(NoLeaks.class) // JFR keeps its own daemon threads once a recording ran
class FlightRecorderTest {

    private static final String PROPERTY = "asyncore.blocked.threshold.ms";

    /** A listener on 127.0.0.1 that wraps each connection with {@code factory}. */
    static final class Server extends Dispatcher {
        private final BiFunction<SocketChannel, ChannelMap, Dispatcher> factory;

        Server(ChannelMap m, BiFunction<SocketChannel, ChannelMap, Dispatcher> factory) throws IOException {
            super(m);
            this.factory = factory;
            createSocket(AddressFamily.INET);
            bind(new InetSocketAddress("127.0.0.1", 0));
            listen(8);
            addChannel(); // complete (the class is final): joins also when made off the loop thread
        }

        @Override
        protected void handleAccepted(SocketChannel c, SocketAddress a) {
            factory.apply(c, map());
        }
    }

    /** Holds the loop thread for 600 ms on its first read. */
    static final class Sleeper extends Echo.Handler {
        private boolean slept;

        Sleeper(SocketChannel c, ChannelMap m) {
            super(c, m, new CopyOnWriteArrayList<>());
        }

        @Override
        protected void handleRead() throws IOException {
            if (!slept) {
                slept = true;
                try {
                    Thread.sleep(600);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.handleRead();
        }

        @Override
        public String toString() {
            return "<Sleeper under test>";
        }
    }

    /** Reaches a limit on its first read. */
    static final class OverLimit extends Echo.Handler {
        OverLimit(SocketChannel c, ChannelMap m) {
            super(c, m, new CopyOnWriteArrayList<>());
        }

        @Override
        protected void handleRead() throws IOException {
            throw new LimitExceededException("maxTestBytes", 10, 11, "bytes of test input");
        }

        @Override
        public String toString() {
            return "<OverLimit under test>";
        }
    }

    @AfterEach
    void cleanUp() {
        System.clearProperty(PROPERTY);
    }

    @Test
    void aBlockedPassASlowHandlerAndALimitAreRecorded() throws Exception {
        Path file = Files.createTempFile("asyncore", ".jfr");
        System.setProperty(PROPERTY, "300");
        try (Recording recording = new Recording();
                LogCapture watchdog = LogCapture.of("io.asyncore.impl.BlockedLoopWatchdog");
                LogCapture dispatcher = LogCapture.dispatcher();
                EventLoop loop = Engines.get().startEventLoop("recorded", Duration.ofSeconds(30))) {
            recording.enable("io.asyncore.BlockedPass");
            recording.enable("io.asyncore.SlowHandler");
            recording.enable("io.asyncore.ConnectionError");
            recording.start();
            exchange(loop, Sleeper::new);
            exchange(loop, OverLimit::new);
            ChannelMap map = loop.map();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (map.counters().blockedEpisodes() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(map.counters().blockedEpisodes() >= 1, "the watchdog reported the blocked pass");
            recording.stop();
            recording.dump(file);
            // a loaded machine may stall the loop thread elsewhere too: look for the sleeper
            assertTrue(watchdog.messages().stream().anyMatch(m -> m.contains("in a hook of <Sleeper under test>")),
                    watchdog.messages().toString());
            assertTrue(dispatcher.messages().stream().anyMatch(m -> m.contains("maxTestBytes=10 exceeded")),
                    dispatcher.messages().toString());
        } finally {
            Asyncore.closeAll();
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Files.delete(file);
        RecordedEvent blocked = events.stream()
                .filter(e -> e.getEventType().getName().equals("io.asyncore.BlockedPass"))
                .filter(e -> "<Sleeper under test>".equals(e.getString("dispatcher")))
                .findFirst().orElseThrow(() -> new AssertionError("no blocked pass in the sleeper: " + events));
        assertEquals("recorded", blocked.getString("loop"));
        assertTrue(blocked.getDuration("busy").toMillis() >= 300, blocked.toString());
        RecordedEvent slow = only(events, "io.asyncore.SlowHandler");
        assertEquals("<Sleeper under test>", slow.getString("dispatcher"));
        assertTrue(slow.getDuration("handlerTime").toMillis() >= 600, slow.toString());
        RecordedEvent error = only(events, "io.asyncore.ConnectionError");
        assertEquals("<OverLimit under test>", error.getString("dispatcher"));
        assertEquals(LimitExceededException.class.getName(), error.getString("errorType"));
        assertTrue(error.getBoolean("limit"));
    }

    private static RecordedEvent only(List<RecordedEvent> events, String type) {
        List<RecordedEvent> of = events.stream().filter(e -> e.getEventType().getName().equals(type)).toList();
        assertEquals(1, of.size(), type + " events: " + of);
        return of.get(0);
    }

    /** Starts a server of {@code factory} handlers, sends one byte to it and waits for its end. */
    private static void exchange(EventLoop loop, BiFunction<SocketChannel, ChannelMap, Dispatcher> factory)
            throws Exception {
        Server server = new Server(loop.map(), factory);
        try (SocketChannel client = SocketChannel.open(server.localAddress())) {
            client.write(ByteBuffer.wrap(new byte[] {1}));
            ByteBuffer b = ByteBuffer.allocate(1);
            client.read(b); // the echo, or end of stream when the handler closed
        }
        loop.execute(server::close);
    }
}
