package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A map keeps the order its members joined in, as Python's {@code socket_map} dict keeps
 * insertion order ({@code list(map.items())} in {@code poll()}), whatever was removed in
 * between: select mode delivers in that order.
 */
@ExtendWith(NoLeaks.class)
class ChannelMapOrderTest {

    private final ChannelMap map = new ChannelMap("order");

    @AfterEach
    void tearDown() {
        Asyncore.closeAll(map, true);
    }

    private Dispatcher member() throws IOException {
        Dispatcher d = new Dispatcher(map) {};
        d.createSocket(AddressFamily.INET);
        return d;
    }

    @Test
    void removalsKeepTheJoiningOrder() throws IOException {
        List<Dispatcher> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            expected.add(member());
        }
        // the first, every third, and the last leave; more join after
        for (int i = expected.size() - 1; i >= 0; i--) {
            if (i == 0 || i % 3 == 0 || i == 39) {
                expected.remove(i).close();
            }
        }
        for (int i = 0; i < 40; i++) { // past the array's size: holes are reused or grown over
            expected.add(member());
        }
        assertEquals(expected, map.dispatchers());
        assertEquals(expected.size(), map.size());
        Dispatcher gone = expected.remove(5);
        gone.close();
        assertEquals(expected, map.dispatchers());
    }

    @Test
    void emptyOnceEveryMemberLeft() throws IOException {
        List<Dispatcher> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            all.add(member());
        }
        all.get(2).close();
        all.get(0).close();
        assertEquals(3, map.size());
        all.get(4).close();
        all.get(1).close();
        all.get(3).close();
        assertTrue(map.isEmpty());
        assertEquals(List.of(), map.dispatchers());
    }
}
