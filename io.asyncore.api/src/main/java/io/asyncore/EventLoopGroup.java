package io.asyncore;

import io.asyncore.spi.Engines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Several {@link EventLoop}s, one thread each, that share the connections of a server:
 * a listening dispatcher in one loop hands each accepted connection to the next loop,
 * round robin, with {@link #adopt}.
 *
 * <p>Each loop keeps the one-loop rules: a dispatcher belongs to one loop, and all its
 * hooks run on that loop's thread. That is why {@link #adopt} constructs the connection's
 * dispatcher on the target loop's thread: a dispatcher made there without a map joins
 * that loop's map.
 *
 * <pre>{@code
 * EventLoopGroup group = EventLoopGroup.start("echo");      // one loop per core
 * class Server extends Dispatcher {
 *     Server() throws IOException {
 *         super(group.loop(0).map());
 *         createSocket();
 *         bind(new InetSocketAddress("127.0.0.1", 8007));
 *         listen(128);
 *     }
 *     protected void handleAccepted(SocketChannel channel, SocketAddress peer) {
 *         group.adopt(channel, EchoHandler::new);              // EchoHandler(SocketChannel)
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #listen} makes such a server in one call, in either of two ways
 * ({@link Accepting}): one listener handing connections round robin, as above, or one
 * listener per loop on the same address with {@code SO_REUSEPORT}, where the kernel
 * spreads connections over the listeners and each loop accepts its own, so accepting
 * scales with the loops.
 *
 * <p>A dispatcher made by {@link #adopt} on another loop has no {@link Dispatcher#parent()}
 * (no hook of its listener runs on that thread).
 *
 * <p>Threading: every method is thread-safe.
 */
public final class EventLoopGroup implements AutoCloseable {

    private static final System.Logger LOG = io.asyncore.spi.Logging.logger(EventLoopGroup.class.getName());

    private final String name;
    private final EventLoop[] loops;
    private final AtomicInteger next = new AtomicInteger();

    private EventLoopGroup(String name, EventLoop[] loops) {
        this.name = name;
        this.loops = loops;
    }

    /**
     * Starts one loop per available processor.
     *
     * @param name the group's name; loop {@code i} and its thread are named {@code name-i}
     * @return the running group
     * @throws UncheckedIOException if the system refuses a selector
     */
    public static EventLoopGroup start(String name) {
        return start(name, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Starts {@code size} loops with the engine found by {@link Engines#get()}.
     *
     * @param name the group's name; loop {@code i} and its thread are named {@code name-i}
     * @param size how many loops, at least 1
     * @return the running group
     * @throws IllegalArgumentException if {@code size} is less than 1
     * @throws UncheckedIOException if the system refuses a selector (the loops started
     *     so far are closed)
     */
    public static EventLoopGroup start(String name, int size) {
        if (name == null) {
            throw new NullPointerException("event loop group name is null");
        }
        if (size < 1) {
            throw new IllegalArgumentException("an event loop group needs at least 1 loop, got " + size);
        }
        EventLoop[] loops = new EventLoop[size];
        try {
            for (int i = 0; i < size; i++) {
                loops[i] = Engines.get().startEventLoop(name + "-" + i, EventLoop.DEFAULT_SELECT_TIMEOUT);
            }
        } catch (IOException | RuntimeException e) {
            for (EventLoop loop : loops) {
                if (loop != null) {
                    loop.close();
                }
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot start event loop group " + name, io);
            }
            throw (RuntimeException) e;
        }
        return new EventLoopGroup(name, loops);
    }

    /**
     * The group's name.
     *
     * @return the name given at start
     */
    public String name() {
        return name;
    }

    /**
     * How many loops the group has.
     *
     * @return the count, at least 1
     */
    public int size() {
        return loops.length;
    }

    /**
     * One loop of the group.
     *
     * @param index from 0 to {@link #size()} - 1
     * @return the loop
     * @throws IndexOutOfBoundsException for another index
     */
    public EventLoop loop(int index) {
        return loops[index];
    }

    /**
     * The loops, in order.
     *
     * @return an unmodifiable list
     */
    public List<EventLoop> loops() {
        return List.of(loops);
    }

    /**
     * The next loop, round robin.
     *
     * @return a loop of the group
     */
    public EventLoop next() {
        return loops[Math.floorMod(next.getAndIncrement(), loops.length)];
    }

    /**
     * Hands an accepted connection to the next loop: {@code factory} runs on that loop's
     * thread (at once when called on it, else as an {@link EventLoop#execute} task) and
     * wraps the channel in a dispatcher, which joins that loop's map when made without
     * one. Meant for {@link Dispatcher#handleAccepted}.
     *
     * <p>If {@code factory} throws, the error is logged and the channel closed; the caller
     * never sees it. A loop that is closed is skipped.
     *
     * @param channel the accepted connection
     * @param factory makes the connection's dispatcher, such as {@code EchoHandler::new}
     * @return the loop that takes the connection
     * @throws RejectedExecutionException if every loop is closed (the channel is closed)
     */
    public EventLoop adopt(SocketChannel channel, Function<? super SocketChannel, ? extends Dispatcher> factory) {
        if (channel == null || factory == null) {
            throw new NullPointerException("adopt: channel and factory are required");
        }
        for (int tries = 0; tries < loops.length; tries++) {
            EventLoop loop = next();
            if (loop.isClosed()) {
                continue;
            }
            if (loop.inEventLoop()) {
                construct(loop, channel, factory);
                return loop;
            }
            try {
                loop.execute(() -> construct(loop, channel, factory));
                return loop;
            } catch (RejectedExecutionException closedMeanwhile) {
                // try the next loop
            }
        }
        closeQuietly(channel);
        throw new RejectedExecutionException("event loop group " + name + " is closed");
    }

    /** How the loops of a group share a listening address; see {@link #listen}. */
    public enum Accepting {
        /** One listener on loop 0 hands every connection to the next loop ({@link #adopt}). */
        HAND_OFF,
        /**
         * One listener per loop, all bound to the address with {@code SO_REUSEPORT}: the
         * kernel spreads new connections over them (by a hash of the peer's address) and
         * each loop accepts and serves its own. Linux 3.9 or later; TCP only.
         */
        REUSE_PORT
    }

    /**
     * Listens on {@code address} and serves every connection with a dispatcher made by
     * {@code factory} on one of the loops (made on that loop's thread, so a dispatcher
     * made without a map joins that loop's map). The listeners set {@code SO_REUSEADDR}
     * and accept as {@link Dispatcher#handleAccept()} does; they close with their loop.
     *
     * @param address where to listen; port 0 lets the system choose (every listener of
     *     {@link Accepting#REUSE_PORT} then shares the first one's port)
     * @param backlog the listen backlog of each listener, passed on as given
     * @param accepting hand-off from one listener, or a listener per loop
     * @param factory makes a connection's dispatcher, such as {@code EchoHandler::new}
     * @return the listeners: one for {@code HAND_OFF}, one per loop (in loop order) for
     *     {@code REUSE_PORT}
     * @throws IOException if a listener cannot bind or listen (those made are closed)
     * @throws IllegalArgumentException for {@code REUSE_PORT} on a Unix-domain address
     */
    public List<Dispatcher> listen(SocketAddress address, int backlog, Accepting accepting,
            Function<? super SocketChannel, ? extends Dispatcher> factory) throws IOException {
        if (address == null || accepting == null || factory == null) {
            throw new NullPointerException("listen: address, accepting and factory are required");
        }
        if (accepting == Accepting.HAND_OFF) {
            return List.of(new GroupListener(loops[0].map(), address, backlog, false, c -> adopt(c, factory)));
        }
        if (AddressFamily.of(address) == AddressFamily.UNIX) {
            throw new IllegalArgumentException("listen: SO_REUSEPORT needs a TCP address, got " + address);
        }
        List<Dispatcher> listeners = new ArrayList<>();
        try {
            SocketAddress shared = address;
            for (EventLoop loop : loops) {
                GroupListener listener = new GroupListener(loop.map(), shared, backlog, true, c -> construct(loop, c, factory));
                listeners.add(listener);
                shared = listener.localAddress();
            }
        } catch (IOException | RuntimeException e) {
            for (Dispatcher made : listeners) {
                loopOf(made).execute(made::close);
            }
            throw e;
        }
        return List.copyOf(listeners);
    }

    private EventLoop loopOf(Dispatcher d) {
        for (EventLoop loop : loops) {
            if (loop.map() == d.map()) {
                return loop;
            }
        }
        return loops[0];
    }

    private static void construct(EventLoop loop, SocketChannel channel,
            Function<? super SocketChannel, ? extends Dispatcher> factory) {
        try {
            factory.apply(channel);
        } catch (ExitNow | VirtualMachineError e) {
            closeQuietly(channel);
            throw e;
        } catch (Throwable e) {
            LOG.log(Level.ERROR, "making a dispatcher for " + channel + " on " + loop.name() + " failed; closing it", e);
            closeQuietly(channel);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is all that is left to do
        }
    }

    /**
     * Closes every loop (see {@link EventLoop#close()}) and waits for their threads.
     * Idempotent.
     */
    @Override
    public void close() {
        for (EventLoop loop : loops) {
            loop.close();
        }
    }

    @Override
    public String toString() {
        return "EventLoopGroup[" + name + ", " + loops.length + " loops]";
    }
}
