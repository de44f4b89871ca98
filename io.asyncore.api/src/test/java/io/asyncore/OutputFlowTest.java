package io.asyncore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The accounting of {@link OutputFlow} without a socket: the bound, the watermarks and
 * the writability signal they drive, and the drain after a half-close (whose timer lives
 * in the owner's map and must be gone once the drain ends).
 */
class OutputFlowTest {

    private final ChannelMap map = new ChannelMap("flow");
    private final Dispatcher owner = new Dispatcher(map) { };
    private final List<Boolean> signals = new ArrayList<>();
    private final OutputFlow flow = new OutputFlow(owner, signals::add);

    @Test
    void withoutWatermarksOutputIsAlwaysWritable() throws LimitExceededException {
        flow.add(10 << 20);
        assertTrue(flow.isWritable());
        assertTrue(flow.allowsReading(), "as in Python, reading never pauses by default");
        assertEquals(List.of(), signals);
    }

    @Test
    void crossingTheHighMarkUpAndTheLowMarkDownSignalsOnceEach() throws LimitExceededException {
        flow.setWatermarks(100, 1_000);
        flow.add(1_000);
        assertTrue(flow.isWritable(), "exactly the high mark is still writable");
        flow.add(1);
        assertFalse(flow.isWritable());
        assertFalse(flow.allowsReading());
        flow.add(5_000);
        flow.remove(5_000);
        flow.remove(800); // 201 wait: between the marks, still unwritable
        assertFalse(flow.isWritable());
        flow.remove(101); // 100 wait: the low mark
        assertTrue(flow.isWritable());
        assertEquals(List.of(false, true), signals, "one signal per crossing, none in between");
        assertEquals(100, flow.pendingBytes());
    }

    @Test
    void newWatermarksAreJudgedAtOnceAndRemovingMoreThanWaitsCountsZero() throws LimitExceededException {
        flow.add(500);
        flow.setWatermarks(10, 100);
        assertFalse(flow.isWritable(), "500 waiting is above the new high mark");
        flow.remove(10_000);
        assertEquals(0, flow.pendingBytes());
        assertTrue(flow.isWritable());
        flow.setWatermarks(0, OutputFlow.UNBOUNDED);
        flow.add(1 << 20);
        assertTrue(flow.isWritable(), "watermarks off again");
        assertEquals(List.of(false, true), signals);
    }

    @Test
    void theBoundRefusesWhatWouldPassItAndCountsNothingThen() throws LimitExceededException {
        assertEquals(64L << 20, flow.maxOutputBytes(), "64 MiB by default");
        flow.setMaxOutputBytes(10);
        flow.add(10);
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> flow.add(1));
        assertEquals("maxOutputBytes", e.limitName());
        assertEquals(10, e.limit());
        assertEquals(11, e.amount());
        assertEquals(10, flow.pendingBytes(), "the refused bytes were not counted");
        flow.setMaxOutputBytes(OutputFlow.UNBOUNDED);
        flow.add(Long.MAX_VALUE - 10); // no overflow at the edge of an unbounded flow
        assertThrows(LimitExceededException.class, () -> flow.add(1));
    }

    @Test
    void settingsOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> flow.setMaxOutputBytes(0));
        assertThrows(IllegalArgumentException.class, () -> flow.setWatermarks(10, 5));
        assertThrows(IllegalArgumentException.class, () -> flow.setWatermarks(-1, 5));
        assertThrows(IllegalArgumentException.class, () -> flow.setWatermarks(0, 0));
        assertThrows(IllegalArgumentException.class, () -> flow.setDrainTimeout(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> new OutputFlow(owner, null));
    }

    @Test
    void aHalfCloseWithOutputWaitingDrainsUnderATimerThatEndsWithTheDrain() {
        assertFalse(flow.endOfStream(false), "nothing waits: handleClose at once");
        assertTrue(flow.endOfStream(true));
        assertTrue(flow.isDraining());
        assertFalse(flow.allowsReading(), "no reading while draining");
        assertEquals(1, map.timers().size(), "the drain timer");
        assertTrue(flow.endOfStream(true), "a second end of stream starts no second timer");
        assertEquals(1, map.timers().size());
        assertTrue(flow.drained());
        assertFalse(flow.drained(), "once");
        assertFalse(flow.isDraining());
        assertEquals(0, map.timers().size(), "the drain timer was cancelled");
    }

    @Test
    void aDrainTimeoutOfZeroIsPythonsImmediateClose() {
        flow.setDrainTimeout(Duration.ZERO);
        assertFalse(flow.endOfStream(true));
        assertFalse(flow.isDraining());
        assertEquals(0, map.timers().size());
    }
}
