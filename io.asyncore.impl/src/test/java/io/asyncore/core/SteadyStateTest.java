package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pass over a map whose dispatchers' answers do not change allocates nothing (DESIGN
 * section 3), in select mode and in poll mode, counted with the JVM's per-thread
 * allocation counter.
 */
@ExtendWith(NoLeaks.class)
class SteadyStateTest {

    private static final int PAIRS = 50;
    private static final int PASSES = 5_000;

    private final ChannelMap map = new ChannelMap("steady-state");

    @AfterEach
    void tearDown() {
        Asyncore.closeAll(map, true);
    }

    /** Connected, interested in reading, never writing: idle. */
    static final class Idle extends Dispatcher {
        Idle(ChannelMap map) {
            super(map);
        }

        Idle(SocketChannel channel, ChannelMap map) {
            super(channel, map);
        }

        @Override public boolean writable() { return !isConnected(); }
        @Override protected void handleConnect() {}
        @Override protected void handleWrite() {}
    }

    /** {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}, by reflection (this module reads no management module). */
    private static long allocatedBytes() throws ReflectiveOperationException {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method m = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        return (long) m.invoke(bean);
    }

    private void pass(boolean usePoll) {
        if (usePoll) {
            Asyncore.poll2(Duration.ZERO, map);
        } else {
            Asyncore.poll(Duration.ZERO, map);
        }
    }

    @ParameterizedTest(name = "usePoll={0}")
    @ValueSource(booleans = {false, true})
    void idlePassesAllocateNothing(boolean usePoll) throws Exception {
        try {
            allocatedBytes();
        } catch (ReflectiveOperationException | RuntimeException e) {
            Assumptions.abort("no per-thread allocation counter here: " + e);
        }
        Dispatcher listener = new Dispatcher(map) {
            @Override
            protected void handleAccepted(SocketChannel channel, SocketAddress address) {
                new Idle(channel, map);
            }
        };
        listener.createSocket(AddressFamily.INET);
        listener.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
        listener.listen(PAIRS);
        List<Idle> clients = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            Idle c = new Idle(map);
            c.createSocket(AddressFamily.INET);
            c.connect(listener.localAddress());
            clients.add(c);
        }
        Await.passesUntil(map, "all connected and accepted",
                () -> map.size() == 1 + 2 * PAIRS && clients.stream().allMatch(Dispatcher::isConnected));
        for (int i = 0; i < PASSES; i++) { // warm up: JIT, lazily made engine state
            pass(usePoll);
        }
        long before = allocatedBytes();
        for (int i = 0; i < PASSES; i++) {
            pass(usePoll);
        }
        long allocated = allocatedBytes() - before;
        assertEquals(1 + 2 * PAIRS, map.size());
        // the counter itself allocates a little; a per-pass allocation would be >= PASSES
        assertTrue(allocated < PASSES, allocated + " bytes allocated by " + PASSES + " idle passes over "
                + map.size() + " dispatchers");
    }
}
