package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.fail;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded waiting: run passes until a condition holds, failing after a generous limit. */
final class Wait {

    /** The longest any test waits for a condition on loopback. */
    static final Duration LIMIT = Duration.ofSeconds(5);

    private static final Duration PASS = Duration.ofMillis(10);

    private Wait() {}

    /**
     * Runs single passes over {@code map} (null: the default map) until {@code condition}
     * holds; fails naming {@code what} if the map empties first or {@link #LIMIT} passes.
     */
    static void passesUntil(ChannelMap map, String what, BooleanSupplier condition) {
        ChannelMap m = map == null ? ChannelMap.defaultMap() : map;
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (m.isEmpty()) {
                fail(what + ": the map emptied first");
            }
            if (System.nanoTime() - deadline > 0) {
                fail(what + ": not within " + LIMIT);
            }
            Asyncore.loop(PASS, false, map, 1);
        }
    }

    /** Waits, without running passes, until {@code condition} holds (another thread runs them). */
    static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail(what + ": not within " + LIMIT);
            }
            Thread.sleep(2);
        }
    }
}
