package io.asyncore.file.internal;

import io.asyncore.file.PosixException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one thread that watches every registered file descriptor of the process with
 * {@code epoll(7)} and hands readiness to the loops.
 *
 * <p>Each descriptor is registered {@code EPOLLONESHOT}: when it fires, the kernel stops
 * watching it until its loop has taken the events and re-arms it with
 * {@code epoll_ctl(EPOLL_CTL_MOD)} from the loop thread. So level-triggered readiness
 * never spins, interest changes never wake this thread (epoll_ctl works while another
 * thread waits), and a wait costs O(ready descriptors), not O(registered).
 *
 * <p>Idle means idle: the thread blocks in {@code epoll_wait} with no timeout. It starts
 * with the first registration and ends with the last unregistration (an eventfd tells it
 * to stop), so no thread outlives the descriptors. Regular files cannot be registered
 * ({@code EPERM}): callers treat them as always ready, as POSIX says they are.
 */
public final class FdPoller implements Runnable {

    /** The name of the thread, for diagnostics and leak checks. */
    public static final String THREAD_NAME = "asyncore-fd-poller";

    private static final System.Logger LOG = System.getLogger(FdPoller.class.getName());
    private static final int MAX_EVENTS = 64;
    private static final long STOP = 0L;
    private static final Object LOCK = new Object();
    private static final AtomicLong IDS = new AtomicLong(1);
    private static FdPoller running; // guarded by LOCK

    private final int epfd;
    private final int stopFd;
    private final Thread thread;
    private final ConcurrentHashMap<Long, FdReadiness> sources = new ConcurrentHashMap<>();
    private int count; // guarded by LOCK
    private boolean stopping; // guarded by LOCK
    private volatile boolean closed; // set under LOCK: epfd is closed, never touch it again

    private FdPoller() throws PosixException {
        epfd = Epoll.create();
        try {
            stopFd = Posix.eventfd(0, Posix.O_NONBLOCK);
        } catch (PosixException e) {
            Posix.close(epfd);
            throw e;
        }
        try {
            Epoll.ctl(epfd, Epoll.EPOLL_CTL_ADD, stopFd, Epoll.EPOLLIN, STOP);
        } catch (PosixException e) {
            Posix.close(stopFd);
            Posix.close(epfd);
            throw e;
        }
        thread = new Thread(this, THREAD_NAME);
        thread.setDaemon(true);
    }

    /**
     * Registers {@code fd} for {@code events} (one-shot) on the running poller, starting
     * one if needed.
     *
     * @return the poller, or null when the descriptor cannot be watched because it is a
     *     regular file or directory ({@code EPERM}): it is always ready
     */
    static FdPoller register(FdReadiness source, int fd, int events) throws PosixException {
        synchronized (LOCK) {
            FdPoller p = running;
            if (p == null) {
                p = new FdPoller();
                p.thread.start();
                running = p;
            }
            long id = IDS.getAndIncrement();
            p.sources.put(id, source);
            int error;
            try {
                error = Epoll.ctl(p.epfd, Epoll.EPOLL_CTL_ADD, fd, events | Epoll.EPOLLONESHOT, id, Posix.EPERM);
            } catch (PosixException e) {
                p.sources.remove(id);
                p.stopIfUnused();
                throw e;
            }
            if (error == Posix.EPERM) {
                p.sources.remove(id);
                p.stopIfUnused();
                return null;
            }
            p.count++;
            source.id = id;
            return p;
        }
    }

    /** Re-arms {@code fd} for {@code events} (0: only hang-up and errors). Loop thread. */
    void rearm(FdReadiness source, int fd, int events) throws PosixException {
        if (closed) {
            throw new PosixException("epoll_ctl(" + epfd + ", EPOLL_CTL_MOD, " + fd + ") after shutdown", Posix.EBADF);
        }
        Epoll.ctl(epfd, Epoll.EPOLL_CTL_MOD, fd, events | Epoll.EPOLLONESHOT, source.id);
    }

    /** Removes {@code fd}; must run before the descriptor is closed. Stops the thread after the last one. */
    void unregister(FdReadiness source, int fd) {
        synchronized (LOCK) {
            if (sources.remove(source.id) == null) {
                return;
            }
            count--;
            if (closed) {
                return;
            }
            try {
                Epoll.ctl(epfd, Epoll.EPOLL_CTL_DEL, fd, 0, 0L, Posix.EBADF, Posix.ENOENT);
            } catch (PosixException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot stop watching fd " + fd, e);
            }
            stopIfUnused();
        }
    }

    private void stopIfUnused() {
        if (count > 0) {
            return;
        }
        stop();
    }

    /**
     * Ends the poller thread whatever is registered, for when the module stops (its
     * OSGi activator calls this). Descriptors still registered get an error event, so
     * their dispatchers close on their own loops; the next registration starts a new
     * thread. Waits up to {@code millis} for the thread to end.
     *
     * @param millis how long to wait for the thread
     * @throws InterruptedException if interrupted while waiting
     */
    public static void shutdown(long millis) throws InterruptedException {
        Thread t;
        synchronized (LOCK) {
            FdPoller p = running;
            if (p == null) {
                return;
            }
            p.stop();
            t = p.thread;
        }
        t.join(millis);
    }

    private void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        if (running == this) {
            running = null;
        }
        try {
            ByteBuffer one = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, 1L);
            Posix.write(stopFd, one);
        } catch (PosixException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot stop " + THREAD_NAME, e);
        }
    }

    @Override
    public void run() {
        boolean stop = false;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(Epoll.EPOLL_EVENT_SIZE * MAX_EVENTS, 8);
            while (!stop) {
                int n = Epoll.await(epfd, events, MAX_EVENTS, -1);
                for (int i = 0; i < n; i++) {
                    long id = Epoll.eventData(events, i);
                    if (id == STOP) {
                        stop = true;
                        continue;
                    }
                    FdReadiness source = sources.get(id);
                    if (source != null) {
                        source.fire(Epoll.eventFlags(events, i));
                    }
                }
            }
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.ERROR, THREAD_NAME + " failed; its descriptors report an error", e);
        } finally {
            synchronized (LOCK) {
                stopping = true;
                if (running == this) {
                    running = null;
                }
                closed = true;
                closeQuietly(stopFd);
                closeQuietly(epfd);
            }
            for (FdReadiness source : sources.values()) {
                source.fire(FdReadiness.FAILED); // still registered: shut down under them
            }
        }
    }

    private static void closeQuietly(int fd) {
        try {
            Posix.close(fd);
        } catch (PosixException e) {
            LOG.log(System.Logger.Level.WARNING, "close of poller fd failed", e);
        }
    }

    /**
     * The thread of the running poller, for tests.
     *
     * @return the thread, or null when no descriptor is registered
     */
    public static Thread runningThread() {
        synchronized (LOCK) {
            return running == null ? null : running.thread;
        }
    }
}
