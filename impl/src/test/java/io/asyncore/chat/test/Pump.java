package io.asyncore.chat.test;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Runs passes over a map until a condition holds, within a bounded number of passes. */
final class Pump {

    private Pump() {}

    static void until(ChannelMap map, BooleanSupplier done, String what) {
        until(map, done, what, 2_000);
    }

    static void until(ChannelMap map, BooleanSupplier done, String what, int passes) {
        for (int i = 0; i < passes && !done.getAsBoolean(); i++) {
            if (map.isEmpty()) {
                break;
            }
            Asyncore.poll(Duration.ofMillis(10), map);
        }
        if (!done.getAsBoolean()) {
            throw new AssertionError("not reached within " + passes + " passes: " + what);
        }
    }
}
