package io.asyncore.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Bounded waiting: a test waits for a condition, never for a fixed time, and fails naming
 * what it waited for once a generous limit has passed. Either the test runs the passes
 * itself ({@link #passesUntil}) or another thread, such as an event loop, does
 * ({@link #until}).
 */
public final class Await {

    /** The longest a test waits for a condition on loopback unless it names its own limit. */
    public static final Duration LIMIT = Duration.ofSeconds(10);

    /** The timeout of one pass: short, so the condition is checked often. */
    private static final Duration PASS = Duration.ofMillis(10);

    private Await() {}

    /**
     * Runs single passes over {@code map} until {@code condition} holds.
     *
     * @param map the map to serve; null for the default map
     * @param what the awaited thing, for the failure message
     * @param condition checked before every pass
     * @throws AssertionError if the map empties first or {@link #LIMIT} passes
     */
    public static void passesUntil(ChannelMap map, String what, BooleanSupplier condition) {
        passesUntil(map, what, LIMIT, condition);
    }

    /**
     * Runs single passes over {@code map} until {@code condition} holds.
     *
     * @param map the map to serve; null for the default map
     * @param what the awaited thing, for the failure message
     * @param limit the longest wait
     * @param condition checked before every pass
     * @throws AssertionError if the map empties first or {@code limit} passes
     */
    public static void passesUntil(ChannelMap map, String what, Duration limit, BooleanSupplier condition) {
        ChannelMap m = map == null ? ChannelMap.defaultMap() : map;
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (m.isEmpty()) {
                fail(what + ": the map emptied first");
            }
            if (System.nanoTime() - deadline > 0) {
                fail(what + ": not within " + limit);
            }
            Asyncore.loop(PASS, false, map, 1);
        }
    }

    /**
     * Waits, without running passes, until {@code condition} holds: another thread runs them.
     *
     * @param what the awaited thing, for the failure message
     * @param condition checked every few milliseconds
     * @throws AssertionError if {@link #LIMIT} passes first
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        until(what, LIMIT, condition);
    }

    /**
     * Waits, without running passes, until {@code condition} holds: another thread runs them.
     *
     * @param what the awaited thing, for the failure message
     * @param limit the longest wait
     * @param condition checked every few milliseconds
     * @throws AssertionError if {@code limit} passes first
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public static void until(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail(what + ": not within " + limit);
            }
            Thread.sleep(2);
        }
    }
}
