package io.asyncore.file.internal;

import io.asyncore.Asyncore;
import io.asyncore.file.FileDispatcher;
import io.asyncore.file.FileWrapper;
import io.asyncore.file.PosixException;
import io.asyncore.spi.ReadinessSource;
import io.asyncore.spi.Registration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link ReadinessSource} of one {@link FileDispatcher}: arms its descriptor in the
 * {@link FdPoller} from the loop thread, and collects what the poller thread saw.
 *
 * <p>State machine: {@link #interest} arms the descriptor (one-shot) when what the
 * dispatcher wants differs from what is armed, and does nothing while a report waits to
 * be taken; the poller thread's {@link #fire} records the events and queues the
 * dispatcher once; {@link #takeReady()} takes them, after which the descriptor is
 * disarmed (the kernel did it) until the next {@link #interest}. A pass in which nothing
 * changed costs no system call for an idle descriptor.
 *
 * <p>Two shortcuts keep busy streams off the poller thread: re-arming first asks
 * {@code poll(2)} (timeout 0) on the loop thread and reports at once when the descriptor
 * is still ready; and a descriptor that had events in the last millisecond is polled the
 * same way while armed. Both may leave a kernel arm behind that later reports readiness
 * already consumed: a spurious event, which a non-blocking read answers with "nothing
 * now", as Python's loop allows.
 *
 * <p>Hang-up and error on a descriptor the dispatcher reads or writes are delivered as
 * read or write readiness, so that {@code read(2)} sees the end of file (after the data
 * still buffered in a pipe) and {@code write(2)} sees {@code EPIPE}; only a dispatcher
 * that wants neither would get them raw, and it gets nothing until it wants something.
 *
 * <p>A backend that watches descriptors itself ({@link EpollBackend}) takes the
 * descriptor through {@link #offerDescriptor}: then nothing here runs but
 * {@link #unregister()}, which cancels that backend's registration before the
 * descriptor closes, and no poller thread starts.
 */
public final class FdReadiness implements ReadinessSource {

    /** Not an epoll bit: watching the descriptor failed. */
    static final int FAILED = 1 << 24;
    private static final long HOT_NANOS = 1_000_000;

    private final FileDispatcher dispatcher;
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile Waker waker;

    // Loop-thread state, guarded by this.
    private FdPoller poller;
    private int registeredFd = -1;
    private int armed;
    private int wanted;
    private long lastDelivery = Long.MIN_VALUE / 2;
    private boolean regular;
    /** The registration of a backend that watches the descriptor itself, or null. */
    private Registration watch;

    /** Set by {@link FdPoller#register}: the epoll data that names this source. */
    long id;

    /**
     * The source of {@code dispatcher}; nothing is watched until {@link #interest}.
     *
     * @param dispatcher the dispatcher whose {@link FileDispatcher#wrapper()} is watched
     */
    public FdReadiness(FileDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public synchronized void interest(boolean read, boolean write, Waker w) {
        assert watch == null : "a backend watches the descriptor of " + dispatcher + " itself";
        if (w != waker) {
            waker = w;
            if (queued.get()) {
                w.ready(dispatcher); // queued on a loop that has gone: queue again here
            }
        }
        if (queued.get()) {
            return;
        }
        int want = (read ? Epoll.EPOLLIN | Epoll.EPOLLPRI : 0) | (write ? Epoll.EPOLLOUT : 0);
        if (regular) {
            if (want != 0) {
                fire(want & ~Epoll.EPOLLPRI);
            }
            return;
        }
        if (want == armed) {
            if (armed != 0 && System.nanoTime() - lastDelivery < HOT_NANOS) {
                pollHot(want);
            }
            return;
        }
        FileWrapper file = dispatcher.wrapper();
        int fd = file == null ? -1 : file.fileno();
        if (fd < 0) {
            return;
        }
        try {
            wanted = want;
            if (poller == null) {
                if (want == 0) {
                    return;
                }
                poller = FdPoller.register(this, fd, want);
                if (poller == null) {
                    regular = true;
                    fire(want & ~Epoll.EPOLLPRI);
                    return;
                }
                registeredFd = fd;
            } else {
                if (armed == 0 && want != 0) {
                    // Disarmed since the last report: while a stream keeps the descriptor
                    // ready, one poll(2) here answers without the poller thread, the re-arm
                    // and the wake-up of this loop.
                    int now = Posix.pollNow(fd, want);
                    if (now != 0) {
                        fire(now);
                        return;
                    }
                }
                poller.rearm(this, fd, want);
            }
            armed = want;
        } catch (PosixException e) {
            System.getLogger(FdReadiness.class.getName()).log(System.Logger.Level.ERROR,
                    "cannot watch " + dispatcher, e);
            fire(FAILED);
        }
    }

    /**
     * A descriptor that had events within the last millisecond is polled on the loop
     * thread while armed, so a busy loop sees it ready without waiting for the poller
     * thread to be scheduled; an idle one costs nothing per pass. The kernel stays armed,
     * so the poller thread may report the same readiness again (a spurious event, which
     * reads as "nothing now").
     */
    private void pollHot(int want) {
        try {
            int now = Posix.pollNow(registeredFd, want);
            if (now != 0) {
                fire(now);
            }
        } catch (PosixException e) {
            fire(FAILED);
        }
    }

    /** Records events and queues the dispatcher once. Any thread. */
    void fire(int events) {
        ready.getAndAccumulate(events, (a, b) -> a | b);
        if (queued.compareAndSet(false, true)) {
            Waker w = waker;
            if (w != null) {
                try {
                    w.ready(dispatcher);
                } catch (RuntimeException e) {
                    // an engine's fault must not end the poller thread of every descriptor
                    System.getLogger(FdReadiness.class.getName()).log(System.Logger.Level.ERROR,
                            "waking the loop of " + dispatcher + " failed", e);
                }
            }
        }
    }

    /**
     * Hands the descriptor to a backend that watches it in its own wait set; this source
     * then arms nothing, and {@link #unregister()} cancels {@code registration} before the
     * descriptor closes. Loop thread.
     */
    @Override
    public synchronized int offerDescriptor(Registration registration) {
        FileWrapper file = dispatcher.wrapper();
        int fd = file == null ? -1 : file.fileno();
        if (fd >= 0) {
            stopPolling(); // watched by the poller thread until now (another loop's backend)
            watch = registration;
        }
        return fd;
    }

    @Override
    public synchronized int takeReady() {
        int events = ready.getAndSet(0);
        queued.set(false);
        armed = 0; // one-shot: the kernel disarmed the descriptor when it fired
        int flags = deliverable(events, wanted);
        if ((events & FAILED) != 0) {
            flags |= Asyncore.POLLERR; // watching failed: the dispatcher closes
        }
        flags |= events & Asyncore.POLLNVAL; // poll(2): the descriptor was closed behind our back
        if (flags != 0) {
            lastDelivery = System.nanoTime();
        }
        return flags;
    }

    /**
     * What epoll's {@code events} mean to a dispatcher that asked for {@code wanted}
     * (epoll bits), in {@link Asyncore#POLLIN} terms: hang-up and error become the read or
     * write readiness it asked for, so that {@code read(2)} finds the end of file and
     * {@code write(2)} finds {@code EPIPE}; a dispatcher that wants neither learns of them
     * when it wants one again (watching again reports them at once).
     *
     * @param events epoll event bits
     * @param wanted the epoll bits the dispatcher asked for
     * @return the events to deliver, 0 for none
     */
    static int deliverable(int events, int wanted) {
        int flags = events & (Asyncore.POLLIN | Asyncore.POLLPRI | Asyncore.POLLOUT);
        if ((events & (Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0) {
            flags |= wanted & (Epoll.EPOLLIN | Epoll.EPOLLOUT);
        }
        return flags;
    }

    /**
     * Stops watching, here or in the backend that took the descriptor; must run before
     * the descriptor closes. Any thread.
     */
    public synchronized void unregister() {
        Registration w = watch;
        watch = null;
        if (w != null) {
            w.cancel();
        }
        stopPolling();
    }

    private void stopPolling() {
        FdPoller p = poller;
        poller = null;
        if (p != null) {
            p.unregister(this, registeredFd);
        }
        registeredFd = -1;
        armed = 0;
        wanted = 0;
        regular = false;
        ready.set(0);
        queued.set(false);
    }
}
