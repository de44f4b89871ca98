package io.asyncore;

import io.asyncore.spi.LoopCounters;

/**
 * Finds the {@link LoopCounters} a dispatcher's work counts into: those of the map it is
 * in. A dispatcher in no map (closed, or driven by hand) counts nowhere.
 */
final class Counting {

    private Counting() {}

    /** The counters of {@code d}'s map, or null when it is in none. */
    static LoopCounters of(Dispatcher d) {
        ChannelMap m = d.owner;
        return m == null ? null : m.counters();
    }

    /** Marks {@code d} as running on {@code counters}' loop; returns the start time. */
    static long start(LoopCounters counters, Dispatcher d) {
        counters.deliveryStarts(d);
        return System.nanoTime();
    }

    static void hookFailed(Dispatcher d, Throwable error) {
        LoopCounters c = of(d);
        if (c != null) {
            c.hookFailed(d, error);
        }
    }

    static void in(Dispatcher d, long n) {
        LoopCounters c = of(d);
        if (c != null) {
            c.countIn(n);
        }
    }

    static void out(Dispatcher d, long n) {
        LoopCounters c = of(d);
        if (c != null) {
            c.countOut(n);
        }
    }

    static void accepted(Dispatcher d) {
        LoopCounters c = of(d);
        if (c != null) {
            c.countAccepted();
        }
    }

    static void closed(Dispatcher d) {
        LoopCounters c = of(d);
        if (c != null) {
            c.countClosed();
        }
    }
}
