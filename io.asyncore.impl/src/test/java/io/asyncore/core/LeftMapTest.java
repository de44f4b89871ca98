package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.NoLeaks;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A dispatcher taken out of its map with {@code delChannel()} and not closed (what the
 * whiteboard does when a listener's target stops matching every loop) leaves no
 * registration behind that keeps the loop's passes from waiting, and is served again when
 * it rejoins.
 */
@ExtendWith(NoLeaks.class)
class LeftMapTest {

    private static final Duration WAIT = Duration.ofMillis(100);
    private static final int PASSES = 5;

    @Test
    void aListenerOutOfItsMapWithAConnectionPendingLetsThePassesWaitInPollMode() throws Exception {
        passesWaitAfterTheListenerLeft(true);
    }

    @Test
    void aListenerOutOfItsMapWithAConnectionPendingLetsThePassesWaitInSelectMode() throws Exception {
        passesWaitAfterTheListenerLeft(false);
    }

    private static void passesWaitAfterTheListenerLeft(boolean usePoll) throws Exception {
        ChannelMap map = new ChannelMap("left-map");
        try {
            Echo.Server listener = new Echo.Server(map);
            Echo.Server idle = new Echo.Server(map); // keeps the map, and so the loop, going
            Asyncore.loop(Duration.ZERO, usePoll, map, 1); // the listener is registered for accepts
            listener.delChannel();
            try (SocketChannel client = SocketChannel.open(listener.address())) {
                // The connection waits in the listener's backlog: its key stays ready for as
                // long as it is registered. Every pass after the first must wait its timeout.
                long start = System.nanoTime();
                Asyncore.loop(WAIT, usePoll, map, PASSES);
                long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
                assertTrue(elapsedMillis >= (PASSES - 1) * WAIT.toMillis() * 9 / 10,
                        "passes returned at once while a listener outside the map had a connection pending: "
                                + PASSES + " passes in " + elapsedMillis + " ms");
                assertEquals(1, map.size(), "nobody accepted the pending connection");
                assertFalse(map.contains(listener));

                listener.addChannel();
                Await.passesUntil(map, "the rejoined listener accepts the pending connection", () -> map.size() == 3);
            }
            assertTrue(listener.errors.isEmpty() && idle.errors.isEmpty(), listener.errors + " " + idle.errors);
        } finally {
            Asyncore.closeAll(map, true);
        }
    }
}
