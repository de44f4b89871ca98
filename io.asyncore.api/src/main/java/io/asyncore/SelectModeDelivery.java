package io.asyncore;

import java.nio.channels.SelectableChannel;
import java.util.Arrays;

/**
 * Delivers one pass's events in Python's select mode ({@code use_poll=False}, the
 * default): {@link Asyncore#read} for every ready dispatcher in map order, then
 * {@link Asyncore#write} for every writable one, then {@link Asyncore#exception}, as
 * Python's {@code poll()} walks the three lists {@code select.select} returned.
 *
 * <p>The backend reports ready dispatchers in its own order, so each is recorded at its
 * {@link ChannelMap#position} in the pass's snapshot, and the phases walk the snapshot.
 * As in Python, a dispatcher that left the map earlier in the pass (or got a new socket)
 * gets nothing more. One not where the snapshot has it is not recorded: a channel, being
 * level-triggered, is reported again next pass, and a readiness source's events, already
 * taken, are delivered at once instead (see {@link Pass}). Allocation-free once the arrays
 * have grown to the map's size.
 *
 * <p>Threading: loop thread only, within one {@link Pass}.
 */
final class SelectModeDelivery {

    /** Hang-up, error, invalid descriptor: from readiness sources only; they close. */
    private static final int CLOSING = Asyncore.POLLHUP | Asyncore.POLLERR | Asyncore.POLLNVAL;

    /** Per snapshot position: the Asyncore.POLL* flags recorded this pass, 0 if none. */
    private int[] flags = new int[16];
    /** Per snapshot position: the channel the event was for (null for readiness sources). */
    private SelectableChannel[] channels = new SelectableChannel[16];
    private Dispatcher[] snapshot;
    private int members;
    private int recorded;

    /** Starts a pass over {@code snapshot}, whose first {@code members} entries are the map. */
    void begin(Dispatcher[] snapshot, int members) {
        this.snapshot = snapshot;
        this.members = members;
        if (flags.length < members) {
            int size = Math.max(members, flags.length * 2);
            flags = new int[size];
            channels = new SelectableChannel[size];
        }
    }

    /**
     * Records events for {@code d}: Asyncore.POLL* {@code events} seen on {@code channel}
     * (null for a readiness source).
     *
     * @return false if {@code d} is not where the snapshot has it (it joined, or the map
     *     was compacted, since): nothing recorded
     */
    boolean record(ChannelMap map, Dispatcher d, SelectableChannel channel, int events) {
        int at = map.position(d);
        if (at < 0 || at >= members || snapshot[at] != d) {
            return false;
        }
        if (flags[at] == 0) {
            recorded++;
        }
        flags[at] |= events;
        channels[at] = channel;
        return true;
    }

    /** The three phases over what was recorded; then forgets it. */
    void deliver(ChannelMap map) {
        try {
            if (recorded > 0) {
                phase(map, Asyncore.POLLIN);
                phase(map, Asyncore.POLLOUT);
                phase(map, Asyncore.POLLPRI);
                phase(map, CLOSING);
            }
        } finally {
            if (recorded > 0) {
                Arrays.fill(flags, 0, members, 0);
                Arrays.fill(channels, 0, members, null);
            }
            recorded = 0;
            snapshot = null;
        }
    }

    private void phase(ChannelMap map, int event) {
        for (int i = 0; i < members; i++) {
            if ((flags[i] & event) == 0) {
                continue;
            }
            Dispatcher d = snapshot[i];
            // Python's "obj = map.get(fd); if obj is None: continue"
            if (!map.contains(d) || (channels[i] != null && channels[i] != d.channel())) {
                continue;
            }
            if (event == Asyncore.POLLIN) {
                Delivery.select(d, Asyncore.POLLIN);
            } else if (event == Asyncore.POLLOUT) {
                Delivery.select(d, Asyncore.POLLOUT);
            } else if (event == Asyncore.POLLPRI) {
                Delivery.select(d, Asyncore.POLLPRI);
            } else {
                Delivery.readwrite(d, flags[i] & CLOSING);
            }
        }
    }
}
