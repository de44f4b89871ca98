package io.asyncore.testkit;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Bounded waiting: a test waits for a condition, never for a fixed time, and fails naming
 * what it waited for once a generous limit has passed. Either the test runs the passes
 * itself ({@link #passesUntil}) or another thread, such as an event loop, does
 * ({@link #until}, and {@link #value} for a wait that yields what it waited for, such as
 * a service). Failures are plain {@link AssertionError}s, so the kit waits the same way
 * under JUnit 4 inside an OSGi framework as under JUnit Jupiter.
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
                throw new AssertionError(what + ": the map emptied first");
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": not within " + limit);
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
                throw new AssertionError(what + ": not within " + limit);
            }
            Thread.sleep(2);
        }
    }

    /**
     * Waits, without running passes, until {@code probe} answers: returns its first answer
     * that is neither null nor {@code false}. For the waits that yield what they waited
     * for (a service, a line of output) and for probes called where an
     * {@link InterruptedException} cannot be thrown, such as inside another probe.
     *
     * @param what the awaited thing, for the failure message
     * @param probe asked every few milliseconds
     * @param <T> the answer's type
     * @return the answer
     * @throws AssertionError if {@link #LIMIT} passes first, or if the waiting thread is
     *     interrupted (its interrupt status is set again)
     */
    public static <T> T value(String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (true) {
            T answer = probe.get();
            if (answer != null && !Boolean.FALSE.equals(answer)) {
                return answer;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": not within " + LIMIT);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(what + ": interrupted while waiting", e);
            }
        }
    }
}
