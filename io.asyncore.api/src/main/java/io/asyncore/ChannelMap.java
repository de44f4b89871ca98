package io.asyncore;

import io.asyncore.spi.Engine;
import io.asyncore.spi.Engines;
import io.asyncore.spi.LoopCounters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Python's socket map: the set of dispatchers one loop serves.
 *
 * <p>{@link #defaultMap()} is Python's {@code asyncore.socket_map}: a dispatcher made
 * with no map joins it unless a map is being served on its thread (the rule is in the
 * {@linkplain io.asyncore package documentation}); {@link Asyncore#loop()} and the other
 * calls without a map serve it. Keys are the dispatchers themselves (NIO exposes no socket fd numbers).
 * Members keep the order they joined in, as a Python dict keeps insertion order: a pass
 * in select mode delivers in that order.
 *
 * <p>Threading: adding and removing are thread-safe; a dispatcher added from another
 * thread wakes a waiting pass and takes part from the next one (when a dispatcher made
 * on another thread joins: see the {@linkplain io.asyncore package documentation}). Each
 * map lazily opens the engine's {@link io.asyncore.spi.ReadinessBackend} that its passes
 * wait in, and releases it when {@link Asyncore#closeAll} or the end of a loop empties it.
 */
public final class ChannelMap {

    private static final ChannelMap DEFAULT = new ChannelMap("socket_map");
    private static final ThreadLocal<ChannelMap> THREAD_DEFAULT = new ThreadLocal<>();

    static {
        new CoreDriver(); // how engines' event loops reach the package-private entry points
    }

    private final String name;
    // Insertion order: a removed member leaves a hole (null) that snapshot() closes.
    private Dispatcher[] members = new Dispatcher[16];
    private int size; // slots used, holes included
    private int holes;
    private volatile Pass pass;
    private final TimerQueue timers = new TimerQueue(this);
    private final LoopCounters counters = new LoopCounters();
    // The event loop thread that owns this map, or the thread running a pass over it now;
    // null while no thread serves it (a Python-style program between its own passes).
    private volatile Thread loopThread;

    /** A new, empty map. */
    public ChannelMap() {
        this("map");
    }

    /**
     * A new, empty map with a name for diagnostics.
     *
     * @param name the name
     */
    public ChannelMap(String name) {
        this.name = name;
    }

    /**
     * Python's {@code asyncore.socket_map}.
     *
     * @return the process-wide default map
     */
    public static ChannelMap defaultMap() {
        return DEFAULT;
    }

    /**
     * Makes {@code map} the map that dispatchers made on this thread without a map join,
     * instead of {@link #defaultMap()}, and this thread the one that serves it. Called on
     * an {@link EventLoop}'s thread (through {@link io.asyncore.spi.LoopDriver#serve});
     * null restores the default.
     */
    static void setThreadDefault(ChannelMap map) {
        if (map == null) {
            ChannelMap previous = THREAD_DEFAULT.get();
            if (previous != null && previous.loopThread == Thread.currentThread()) {
                previous.loopThread = null;
            }
            THREAD_DEFAULT.remove();
        } else {
            THREAD_DEFAULT.set(map);
            map.loopThread = Thread.currentThread();
        }
    }

    /**
     * Whether loop-only code may run here: the current thread is the one serving this map
     * (its event loop's thread, or the thread in a pass over it), or no thread serves it.
     * Loop-only entry points {@code assert} this.
     */
    boolean isLoopThread() {
        Thread t = loopThread;
        return t == null || t == Thread.currentThread();
    }

    /**
     * Marks the current thread as serving this map for one pass, unless a loop already
     * owns it. Returns whether it did, for {@link #leavePass}.
     */
    boolean enterPass() {
        if (loopThread != null) {
            return false;
        }
        loopThread = Thread.currentThread();
        return true;
    }

    /** Ends what {@link #enterPass} started, if it marked the thread. */
    void leavePass(boolean entered) {
        if (entered) {
            loopThread = null;
        }
    }

    /** The map a dispatcher made without one joins: the rule in package-info.java. */
    static ChannelMap forNewDispatcher(Dispatcher parent) {
        if (parent != null) {
            ChannelMap parentMap = parent.owner;
            if (parentMap != null) {
                return parentMap;
            }
        }
        ChannelMap threadDefault = THREAD_DEFAULT.get();
        return threadDefault != null ? threadDefault : DEFAULT;
    }

    /**
     * How many dispatchers are in the map.
     *
     * @return the count
     */
    public synchronized int size() {
        return size - holes;
    }

    /**
     * Whether the map is empty; {@link Asyncore#loop()} ends when it is.
     *
     * @return true when no dispatcher is in the map
     */
    public synchronized boolean isEmpty() {
        return size == holes;
    }

    /**
     * Whether {@code dispatcher} is in this map and open to events. A pass serves only
     * the dispatchers this answers true for. While the dispatcher's
     * {@link Dispatcher#connect} runs (on whatever thread), this answers false: a connect
     * that completes at once runs {@code handleConnect} there, and the loop must not serve
     * the connection at the same time.
     *
     * @param dispatcher a dispatcher
     * @return true if it is
     */
    public boolean contains(Dispatcher dispatcher) {
        return dispatcher != null && dispatcher.owner == this && !dispatcher.standingAside;
    }

    /**
     * A copy of the members, for inspection.
     *
     * @return the dispatchers in the map now
     */
    public synchronized List<Dispatcher> dispatchers() {
        List<Dispatcher> copy = new ArrayList<>(size - holes);
        for (int i = 0; i < size; i++) {
            if (members[i] != null) {
                copy.add(members[i]);
            }
        }
        return copy;
    }

    /**
     * Copies the members, in the order they joined, into {@code reuse} (or a larger new
     * array) followed by a null, so that a pass allocates nothing. Until the next
     * snapshot, {@link #position} of a member is its index in the copy.
     */
    synchronized Dispatcher[] snapshot(Dispatcher[] reuse) {
        compact();
        Dispatcher[] into = reuse;
        if (into == null || into.length <= size) {
            into = new Dispatcher[Math.max(16, size * 2)];
        }
        System.arraycopy(members, 0, into, 0, size);
        into[size] = null;
        return into;
    }

    /**
     * The pass over this map, with the backend it waits in, opened on first use.
     *
     * @throws UncheckedIOException if the engine cannot open a backend
     */
    Pass pass() {
        Pass p = pass;
        if (p == null) {
            synchronized (this) {
                p = pass;
                if (p == null) {
                    try {
                        Engine engine = Engines.get();
                        p = new Pass(this, engine.openBackend());
                        counters.observe(engine.observer());
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot open a readiness backend for " + this, e);
                    }
                    pass = p;
                }
            }
        }
        return p;
    }

    /**
     * This map's timers: whoever drives the map runs them on its thread, and a pass waits
     * no longer than the next deadline.
     *
     * @return the map's timer queue
     */
    public TimerQueue timers() {
        return timers;
    }

    /**
     * What the loop serving this map has done: passes, events, bytes, connections.
     * Readable from any thread without stopping the loop.
     *
     * @return the map's counters
     */
    public LoopCounters counters() {
        return counters;
    }

    /**
     * Wakes a pass that waits over this map, if a backend is open; never opens one (so an
     * {@link EventLoop} that has ended and released its backend is not given a new one).
     * Thread-safe.
     */
    public void wakePoller() {
        Pass p = pass;
        if (p != null) {
            p.wakeup();
        }
    }

    /**
     * Closes this map's backend, if any, so an unused map holds no operating-system
     * resources; the next pass opens a new one.
     */
    void releaseBackend() {
        Pass p;
        synchronized (this) {
            p = pass;
            pass = null;
        }
        if (p != null) {
            p.close();
        }
    }

    /**
     * Where {@code dispatcher} stands in the map's order: its index in the last
     * {@link #snapshot} while it stayed a member, or a larger index if it joined since,
     * or -1 if it is not a member. Select mode delivers in this order.
     */
    synchronized int position(Dispatcher dispatcher) {
        return dispatcher.owner == this ? dispatcher.mapIndex : -1;
    }

    /** Closes the holes removals left, keeping the order. */
    private void compact() {
        if (holes == 0) {
            return;
        }
        int to = 0;
        for (int from = 0; from < size; from++) {
            Dispatcher d = members[from];
            if (d != null) {
                d.mapIndex = to;
                members[to++] = d;
            }
        }
        Arrays.fill(members, to, size, null);
        size = to;
        holes = 0;
    }

    synchronized void add(Dispatcher dispatcher) {
        ChannelMap previous = dispatcher.owner;
        if (previous == this) {
            return;
        }
        if (previous != null) {
            previous.remove(dispatcher);
        }
        if (size == members.length) {
            if (holes > size / 2) {
                compact(); // mostly holes: a map that no pass snapshots does not grow
            } else {
                members = Arrays.copyOf(members, size * 2);
            }
        }
        dispatcher.mapIndex = size;
        members[size++] = dispatcher;
        dispatcher.owner = this;
        Pass p = pass;
        if (p != null) {
            p.wakeup();
        }
    }

    synchronized void remove(Dispatcher dispatcher) {
        if (dispatcher.owner != this) {
            return;
        }
        int index = dispatcher.mapIndex;
        members[index] = null;
        if (index == size - 1) {
            size--;
        } else {
            holes++;
        }
        dispatcher.mapIndex = -1;
        dispatcher.owner = null;
    }

    @Override
    public String toString() {
        return "ChannelMap[" + name + ", " + size() + " dispatchers]";
    }
}
