package io.asyncore.file.internal;

import io.asyncore.Asyncore;
import io.asyncore.Dispatcher;
import io.asyncore.file.PosixException;
import io.asyncore.spi.ReadinessBackend;
import io.asyncore.spi.ReadinessSource;
import io.asyncore.spi.ReadySink;
import io.asyncore.spi.Registration;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link ReadinessBackend} that watches raw file descriptors itself, all of a loop's in
 * one level-triggered {@code epoll} set with its own {@code eventfd} for
 * {@link #wakeup()}: no poller thread, one {@code epoll_wait} per pass for every
 * descriptor of the map. Sources hand it their descriptor through
 * {@link ReadinessSource#offerDescriptor}.
 *
 * <p>It watches descriptors only. A {@link SelectableChannel} is refused: the JDK
 * exposes neither a channel's descriptor nor the epoll set inside its
 * {@link java.nio.channels.Selector}, so neither set can hold the other's members, and
 * serving both would need a thread blocked in one of them, which is what this backend
 * exists to avoid. Sockets stay with the selector engine.
 *
 * <p>Interest is in the set only while the dispatcher wants something: an epoll set
 * reports hang-up and error whatever it is asked, so a descriptor wanted for nothing is
 * taken out rather than left to end every wait at once. Regular files cannot join an
 * epoll set ({@code EPERM}); they are always ready, as POSIX says, and a pass with one
 * wanted does not wait. Events are delivered as {@link FdReadiness#deliverable} says, the
 * same as through the poller thread.
 *
 * <p>Threading: {@link #wakeup()}, {@link #close()} and a registration's
 * {@link Registration#cancel()} from any thread; the rest on the loop thread. The two
 * descriptors are closed only while no {@code epoll_ctl}, write or wait can use them: a
 * close during a wait is finished by the waiting thread when the wait returns.
 */
public final class EpollBackend implements ReadinessBackend {

    private static final System.Logger LOG = System.getLogger(EpollBackend.class.getName());
    private static final int MAX_EVENTS = 256;
    /** The epoll data of the eventfd; registrations use slot | generation << 32, never -1. */
    private static final long WAKE = -1L;

    private final int epfd;
    private final int wakeFd;
    private final MemorySegment events = Arena.ofAuto().allocate(Epoll.EPOLL_EVENT_SIZE * MAX_EVENTS, 8);
    private final ByteBuffer drained = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
    /** What a wake-up writes to the eventfd; used under lock. */
    private final ByteBuffer one = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).putLong(0, 1L);
    /** Guards the descriptors' lifetime and every call on them but the wait itself. */
    private final Object lock = new Object();
    private volatile boolean woken; // written under lock
    private volatile boolean closed; // written under lock
    private boolean waiting; // guarded by lock
    private volatile boolean released; // written under lock: the descriptors are closed

    // Loop thread: registrations by slot; cancelled ones free their slot at the next wait.
    private Watch[] slots = new Watch[16];
    private int used;
    private final List<Integer> freeSlots = new ArrayList<>();
    private final ConcurrentLinkedQueue<Watch> toFree = new ConcurrentLinkedQueue<>();
    private final List<Watch> regularFiles = new ArrayList<>();
    private int generation;

    /**
     * Opens the epoll set and its wake-up eventfd.
     *
     * @throws PosixException if the kernel refuses either
     */
    public EpollBackend() throws PosixException {
        epfd = Epoll.create();
        int fd = -1;
        try {
            fd = Posix.eventfd(0, Posix.O_NONBLOCK);
            Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, fd, Epoll.EPOLLIN, WAKE);
        } catch (PosixException e) {
            closeQuietly(fd);
            closeQuietly(epfd);
            throw e;
        }
        wakeFd = fd;
    }

    /**
     * Refused: see the class description.
     *
     * @throws UnsupportedOperationException always, naming the cause
     */
    @Override
    public Registration register(SelectableChannel channel, Dispatcher dispatcher) {
        throw new UnsupportedOperationException("the epoll backend watches raw file descriptors only and cannot take "
                + dispatcher + ": the JDK exposes neither a channel's descriptor nor its selector's epoll set,"
                + " so sockets need the selector engine (io.asyncore.impl)");
    }

    /**
     * Takes the source's descriptor into the epoll set (when the core first sets an
     * interest).
     *
     * @throws UnsupportedOperationException if the source offers no descriptor
     */
    @Override
    public Registration register(ReadinessSource source, Dispatcher dispatcher) {
        Watch watch = new Watch(dispatcher, takeSlot(), ++generation);
        int fd = source.offerDescriptor(watch);
        if (fd < 0) {
            freeSlot(watch);
            throw new UnsupportedOperationException("the epoll backend watches raw file descriptors only, and the"
                    + " readiness source of " + dispatcher + " offers none");
        }
        watch.fd = fd;
        slots[watch.slot] = watch;
        return watch;
    }

    @Override
    public void waitReady(long timeoutMillis, ReadySink sink) throws IOException {
        freeCancelled();
        boolean regularReady = false;
        for (int i = 0; i < regularFiles.size(); i++) {
            Watch w = regularFiles.get(i);
            regularReady |= w.wanted != 0 && !w.cancelled;
        }
        round(regularReady ? 0 : (int) Math.clamp(timeoutMillis, 0, Integer.MAX_VALUE), sink);
        for (int i = 0; i < regularFiles.size(); i++) {
            Watch w = regularFiles.get(i);
            if (w.wanted != 0 && !w.cancelled) {
                sink.ready(w.dispatcher, w.wanted & (Asyncore.POLLIN | Asyncore.POLLOUT));
            }
        }
    }

    @Override
    public void pollReady(ReadySink sink) throws IOException {
        freeCancelled();
        round(0, sink);
    }

    /** One epoll_wait and its reports. */
    private void round(int timeoutMillis, ReadySink sink) throws IOException {
        synchronized (lock) {
            if (closed) {
                throw new IOException("epoll backend " + epfd + " is closed");
            }
            waiting = true;
        }
        int n;
        try {
            n = Epoll.await(epfd, events, MAX_EVENTS, timeoutMillis);
        } finally {
            synchronized (lock) {
                waiting = false;
                if (closed) {
                    release(); // close() came during the wait and left this to us
                }
            }
        }
        for (int i = 0; i < n && !released; i++) {
            long data = Epoll.eventData(events, i);
            if (data == WAKE) {
                drainWakeups();
                continue;
            }
            int slot = (int) data;
            Watch w = slot < used ? slots[slot] : null;
            if (w == null || w.generation != (int) (data >>> 32) || w.cancelled) {
                continue; // cancelled by a hook earlier in this round
            }
            int flags = FdReadiness.deliverable(Epoll.eventFlags(events, i), w.wanted);
            if (flags != 0) {
                sink.ready(w.dispatcher, flags);
            }
        }
    }

    /** Empties the eventfd and lets the next {@link #wakeup()} write again. */
    private void drainWakeups() {
        synchronized (lock) {
            if (released) {
                return;
            }
            try {
                Posix.read(wakeFd, drained.clear());
            } catch (PosixException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot drain the wake-up eventfd " + wakeFd, e);
            }
            woken = false;
        }
    }

    @Override
    public void wakeup() {
        if (woken) {
            return; // the wait ends already, or the next one will not start
        }
        synchronized (lock) {
            if (woken || released) {
                return;
            }
            signal();
        }
    }

    /** Makes the wait return: one write to the eventfd. Under lock, descriptors open. */
    private void signal() {
        woken = true;
        try {
            Posix.write(wakeFd, one.clear());
        } catch (PosixException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot wake epoll backend " + epfd, e);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (!waiting) {
                release();
            } else {
                signal(); // the waiting thread releases them when its wait returns
            }
        }
    }

    /** Closes both descriptors. Under lock, while nothing waits. */
    private void release() {
        if (released) {
            return;
        }
        released = true;
        closeQuietly(wakeFd);
        closeQuietly(epfd);
    }

    private static void closeQuietly(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            Posix.close(fd);
        } catch (PosixException e) {
            LOG.log(System.Logger.Level.WARNING, "close of epoll backend descriptor failed", e);
        }
    }

    private int takeSlot() {
        if (!freeSlots.isEmpty()) {
            return freeSlots.remove(freeSlots.size() - 1);
        }
        if (used == slots.length) {
            slots = Arrays.copyOf(slots, used * 2);
        }
        return used++;
    }

    private void freeSlot(Watch w) {
        if (slots[w.slot] == w) {
            slots[w.slot] = null;
        }
        freeSlots.add(w.slot);
        regularFiles.remove(w);
    }

    private void freeCancelled() {
        Watch w;
        while ((w = toFree.poll()) != null) {
            freeSlot(w);
        }
    }

    /** One descriptor in the set, for one dispatcher. */
    private final class Watch implements Registration {

        final Dispatcher dispatcher;
        final int slot;
        final int generation;
        int fd = -1;
        /** Epoll bits asked for; loop thread. */
        int wanted;
        /** Whether {@link #fd} is in the set; guarded by lock. */
        boolean inSet;
        boolean regular;
        volatile boolean cancelled;

        Watch(Dispatcher dispatcher, int slot, int generation) {
            this.dispatcher = dispatcher;
            this.slot = slot;
            this.generation = generation;
        }

        @Override
        public boolean interest(int events) throws IOException {
            int want = ((events & Asyncore.POLLIN) != 0 ? Epoll.EPOLLIN | Epoll.EPOLLPRI : 0)
                    | ((events & Asyncore.POLLOUT) != 0 ? Epoll.EPOLLOUT : 0);
            if (want == wanted || cancelled) {
                return true; // a cancelled watch is registered afresh by the core
            }
            wanted = want;
            if (regular) {
                return true;
            }
            synchronized (lock) {
                if (closed) {
                    throw new IOException("epoll backend " + epfd + " is closed");
                }
                if (want == 0) {
                    remove();
                } else if (inSet) {
                    Epoll.ctl(epfd, Epoll.EPOLL_CTL_MOD, fd, want, data());
                } else if (Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, fd, want, data(), Posix.EPERM) == Posix.EPERM) {
                    regular = true; // a regular file or directory: always ready
                    regularFiles.add(this);
                } else {
                    inSet = true;
                }
            }
            return true;
        }

        private long data() {
            return ((long) generation << 32) | slot;
        }

        /** Takes the descriptor out of the set. Under lock. */
        private void remove() throws PosixException {
            if (inSet && !released) {
                inSet = false;
                Epoll.ctl(epfd, Epoll.EPOLL_CTL_DEL, fd, 0, 0L, Posix.EBADF, Posix.ENOENT);
            }
        }

        @Override
        public void cancel() {
            synchronized (lock) {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                try {
                    remove();
                } catch (PosixException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot stop watching fd " + fd + " of " + dispatcher, e);
                }
            }
            toFree.add(this);
        }

        @Override
        public boolean isValid() {
            return !cancelled && !closed;
        }
    }
}
