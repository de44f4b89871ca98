package io.asyncore.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.spi.LoopDriver;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.LogCapture;
import io.asyncore.testkit.LoopbackPair;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A map's backend released by another thread while its loop is in a pass (between asking
 * the dispatchers and waiting): the rest of that pass meets closed selectors, the main one
 * and the listeners' accept watch. It ends quietly, with no exception out of the loop, no
 * dispatcher failed or closed and nothing logged; the next pass opens a new backend and
 * the same listener and connection serve on.
 */
@ExtendWith(NoLeaks.class)
class BackendClosedMidPassTest {

    @Test
    void aPassWhoseBackendAnotherThreadReleasesEndsQuietlyAndTheMapServesOn() throws Exception {
        ChannelMap map = new ChannelMap("released-mid-pass");
        AtomicBoolean releaseNow = new AtomicBoolean();
        List<SocketChannel> accepted = new CopyOnWriteArrayList<>();
        Dispatcher listener = new Dispatcher(map) {
            @Override
            public boolean readable() {
                // asked by the pass before it waits: the backend goes while the pass runs
                if (releaseNow.getAndSet(false)) {
                    releaseFromAnotherThread(map);
                }
                return true;
            }

            @Override
            protected void handleAccepted(SocketChannel channel, SocketAddress address) {
                accepted.add(channel);
            }
        };
        try (LogCapture log = LogCapture.of("io.asyncore"); LoopbackPair pair = LoopbackPair.open()) {
            listener.createSocket(AddressFamily.INET);
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            listener.listen(5);
            // the first pass registers the listener with the backend and its accept watch
            Asyncore.loop(Duration.ZERO, false, map, 1);
            // joins after that pass, so it first registers in the pass the backend goes
            Echo.Handler echo = new Echo.Handler(pair.near(), map);

            releaseNow.set(true);
            Asyncore.loop(Duration.ZERO, false, map, 1);
            assertFalse(releaseNow.get(), "the pass asked the listener, which released the backend");
            assertFalse(listener.isClosed(), "the listener survived the pass");
            assertFalse(echo.isClosed(), "the connection that joined survived the pass");
            assertEquals(List.of(), echo.errors());

            // a new backend: the listener accepts and the connection echoes
            try (SocketChannel client = SocketChannel.open(listener.localAddress())) {
                Await.passesUntil(map, "a connection accepted after the release", () -> accepted.size() == 1);
                pair.far().write(ByteBuffer.wrap("ping".getBytes()));
                ByteBuffer back = ByteBuffer.allocate(4);
                pair.far().configureBlocking(false);
                Await.passesUntil(map, "the echo after the release", () -> {
                    try {
                        pair.far().read(back);
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                    return !back.hasRemaining();
                });
                assertEquals("ping", new String(back.array()));
            }
            List<LogRecord> warnings = log.records().stream()
                    .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue()).toList();
            assertTrue(warnings.isEmpty(), () -> "logged: " + warnings.stream().map(LogRecord::getMessage).toList());
        } finally {
            for (SocketChannel c : accepted) {
                c.close();
            }
            Asyncore.closeAll(map, true);
        }
    }

    /** Releases {@code map}'s backend on a thread of its own, and waits until it has. */
    private static void releaseFromAnotherThread(ChannelMap map) {
        Thread releaser = new Thread(() -> LoopDriver.release(map), "releaser");
        releaser.start();
        try {
            releaser.join(Await.LIMIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (releaser.isAlive()) {
            throw new AssertionError("releasing the backend did not end within " + Await.LIMIT);
        }
    }
}
