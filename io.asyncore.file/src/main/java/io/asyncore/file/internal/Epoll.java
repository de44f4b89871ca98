package io.asyncore.file.internal;

import static io.asyncore.file.internal.Native.bind;
import static io.asyncore.file.internal.Native.errno;
import static io.asyncore.file.internal.Native.error;
import static io.asyncore.file.internal.Native.rethrow;
import static io.asyncore.file.internal.Native.state;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.asyncore.file.PosixException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The {@code epoll(7)} calls and the layout of {@code struct epoll_event}: what
 * {@link FdPoller} waits in. Errors are {@link PosixException}s
 * naming the call and errno. Internal: this package is not exported.
 */
public final class Epoll {

    /** Event bits; {@code poll(2)}'s POLLIN, POLLPRI, POLLOUT, POLLERR and POLLHUP have the same values. */
    public static final int EPOLLIN = 0x1, EPOLLPRI = 0x2, EPOLLOUT = 0x4, EPOLLERR = 0x8,
            EPOLLHUP = 0x10, EPOLLONESHOT = 1 << 30;
    /** {@code epoll_ctl} operations. */
    public static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;

    /** {@code struct epoll_event} is packed on x86_64 (12 bytes), naturally aligned elsewhere (16). */
    public static final boolean PACKED_EPOLL_EVENT = "amd64".equals(System.getProperty("os.arch"))
            || "x86_64".equals(System.getProperty("os.arch"));
    /** The size of one {@code struct epoll_event}. */
    public static final long EPOLL_EVENT_SIZE = PACKED_EPOLL_EVENT ? 12 : 16;
    /** Where its {@code data} field starts. */
    public static final long EPOLL_DATA_OFFSET = PACKED_EPOLL_EVENT ? 4 : 8;

    private static final ValueLayout.OfLong JAVA_LONG_UNALIGNED = JAVA_LONG.withByteAlignment(1);
    private static final ValueLayout.OfInt JAVA_INT_UNALIGNED = JAVA_INT.withByteAlignment(1);
    private static final int EINTR = 4;

    private static final MethodHandle EPOLL_CREATE1 = bind("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = bind("epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EPOLL_WAIT = bind("epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

    private Epoll() {}

    /**
     * epoll_create1(EPOLL_CLOEXEC).
     *
     * @return the new epoll descriptor
     * @throws PosixException if the kernel refuses one
     */
    public static int create() throws PosixException {
        MemorySegment st = state();
        int r;
        try {
            r = (int) EPOLL_CREATE1.invokeExact(st, Posix.O_CLOEXEC);
        } catch (Throwable e) {
            throw rethrow(e);
        }
        if (r < 0) {
            throw error("epoll_create1", st);
        }
        return r;
    }

    /**
     * epoll_ctl(epfd, op, fd, {events, data}). Safe while another thread waits on {@code epfd}.
     *
     * @param epfd the epoll descriptor
     * @param op {@link #EPOLL_CTL_ADD}, {@link #EPOLL_CTL_MOD} or {@link #EPOLL_CTL_DEL}
     * @param fd the watched descriptor
     * @param events the event bits
     * @param data what {@link #eventData} gives back when {@code fd} fires
     * @param tolerated errnos to return instead of throwing
     * @return 0, or the errno when it is one of {@code tolerated}
     * @throws PosixException for any other failure
     */
    public static int ctl(int epfd, int op, int fd, int events, long data, int... tolerated) throws PosixException {
        Native.Scratch scratch = Native.scratch();
        MemorySegment st = scratch.state;
        MemorySegment event = scratch.struct;
        event.set(JAVA_INT, 0, events);
        event.set(JAVA_LONG_UNALIGNED, EPOLL_DATA_OFFSET, data);
        int r;
        try {
            r = (int) EPOLL_CTL.invokeExact(st, epfd, op, fd, event);
        } catch (Throwable e) {
            throw rethrow(e);
        }
        if (r < 0) {
            int errno = errno(st);
            for (int t : tolerated) {
                if (t == errno) {
                    return errno;
                }
            }
            throw new PosixException("epoll_ctl(" + epfd + ", " + op + ", " + fd + ")", errno);
        }
        return 0;
    }

    /**
     * epoll_wait, retrying on EINTR.
     *
     * @param epfd the epoll descriptor
     * @param events room for {@code max} events of {@link #EPOLL_EVENT_SIZE} bytes
     * @param max the most events to take
     * @param timeoutMillis the longest wait; 0 returns at once, -1 waits without limit
     * @return how many events {@code events} now holds
     * @throws PosixException if waiting fails
     */
    public static int await(int epfd, MemorySegment events, int max, int timeoutMillis) throws PosixException {
        MemorySegment st = state();
        int r;
        try {
            do {
                r = (int) EPOLL_WAIT.invokeExact(st, epfd, events, max, timeoutMillis);
            } while (r < 0 && errno(st) == EINTR);
        } catch (Throwable e) {
            throw rethrow(e);
        }
        if (r < 0) {
            throw error("epoll_wait(" + epfd + ")", st);
        }
        return r;
    }

    /**
     * The events field of the i-th {@code struct epoll_event} in {@code events}.
     *
     * @param events what {@link #await} filled
     * @param i the index
     * @return the event bits
     */
    public static int eventFlags(MemorySegment events, int i) {
        return events.get(JAVA_INT_UNALIGNED, i * EPOLL_EVENT_SIZE);
    }

    /** The data field of the i-th {@code struct epoll_event} in {@code events}. */
    static long eventData(MemorySegment events, int i) {
        return events.get(JAVA_LONG_UNALIGNED, i * EPOLL_EVENT_SIZE + EPOLL_DATA_OFFSET);
    }
}
