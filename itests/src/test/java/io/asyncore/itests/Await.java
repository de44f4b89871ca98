package io.asyncore.itests;

import java.util.function.Supplier;

/** Polls a condition with a bound: tests wait for the loop thread, never for a fixed time. */
final class Await {

    /** The longest any single wait lasts. */
    static final long TIMEOUT_MILLIS = 10_000;

    private Await() {}

    /**
     * Returns the first non-null, non-false answer of {@code probe}.
     *
     * @param what the awaited thing, for the failure message
     * @param probe the condition
     * @param <T> the answer type
     * @return the answer
     * @throws AssertionError after {@link #TIMEOUT_MILLIS}
     */
    static <T> T until(String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000;
        while (true) {
            T answer = probe.get();
            if (answer != null && !Boolean.FALSE.equals(answer)) {
                return answer;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + TIMEOUT_MILLIS + " ms: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
