package io.asyncore.file.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.asyncore.file.PosixException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The libc calls this module needs, bound once through {@link Linker}, each capturing
 * {@code errno} with {@link Linker.Option#captureCallState}. Every method throws
 * {@link PosixException} naming the call and errno, except where it documents a value
 * that means "nothing now" ({@code EAGAIN}).
 *
 * <p>Constants are Linux's (x86_64 and aarch64 share them); the class refuses to load on
 * other systems, with a message saying so. Internal: this package is not exported.
 */
public final class Posix {

    public static final int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, EBADF = 9, EAGAIN = 11,
            EEXIST = 17, EPIPE = 32, ENOTCONN = 107;

    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_NOCTTY = 0x100,
            O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    public static final int F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030, F_SETPIPE_SZ = 1031;

    public static final int EPOLLIN = 0x1, EPOLLPRI = 0x2, EPOLLOUT = 0x4, EPOLLERR = 0x8,
            EPOLLHUP = 0x10, EPOLLONESHOT = 1 << 30;
    public static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;

    /** {@code struct epoll_event} is packed on x86_64 (12 bytes), naturally aligned elsewhere (16). */
    public static final boolean PACKED_EPOLL_EVENT = "amd64".equals(System.getProperty("os.arch"))
            || "x86_64".equals(System.getProperty("os.arch"));
    public static final long EPOLL_EVENT_SIZE = PACKED_EPOLL_EVENT ? 12 : 16;
    public static final long EPOLL_DATA_OFFSET = PACKED_EPOLL_EVENT ? 4 : 8;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    /** Per thread: the errno capture cell and a scratch buffer for heap ByteBuffers. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final MethodHandle READ = bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FCNTL = bindVariadic("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle OPEN = bindVariadic("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle PIPE2 = bind("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle EVENTFD = bind("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle MKFIFO = bind("mkfifo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle POLL = bind("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle EPOLL_CREATE1 = bind("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = bind("epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EPOLL_WAIT = bind("epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle POSIX_OPENPT = bind("posix_openpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GRANTPT = bind("grantpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle UNLOCKPT = bind("unlockpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle PTSNAME_R = bind("ptsname_r", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle TCGETATTR = bind("tcgetattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle TCSETATTR = bind("tcsetattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle CFMAKERAW = LINKER.downcallHandle(symbol("cfmakeraw"), FunctionDescriptor.ofVoid(ADDRESS));

    private Posix() {}

    private static final class Scratch {
        final Arena arena = Arena.ofAuto();
        final MemorySegment state = arena.allocate(CAPTURE);
        final MemorySegment buffer = arena.allocate(64 * 1024);
        final MemorySegment event = arena.allocate(16, 8);
    }

    private static MemorySegment symbol(String name) {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            throw new UnsupportedOperationException("io.asyncore.file supports Linux only; this is "
                    + System.getProperty("os.name"));
        }
        return LIBC.find(name).orElseThrow(() -> new UnsupportedOperationException("libc has no " + name));
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor, ERRNO_OPTION);
    }

    private static MethodHandle bindVariadic(String name, FunctionDescriptor descriptor, int firstVariadic) {
        return LINKER.downcallHandle(symbol(name), descriptor, ERRNO_OPTION, Linker.Option.firstVariadicArg(firstVariadic));
    }

    private static MemorySegment state() {
        return SCRATCH.get().state;
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static PosixException error(String call, MemorySegment state) {
        return new PosixException(call, errno(state));
    }

    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new IllegalStateException("native call failed", e);
    }

    // ------------------------------------------------------------------ file descriptors

    /** fcntl(fd, F_DUPFD_CLOEXEC, 0): a close-on-exec duplicate, like Python's os.dup. */
    public static int dup(int fd) throws PosixException {
        MemorySegment st = state();
        int r;
        try {
            do {
                r = (int) FCNTL.invokeExact(st, fd, F_DUPFD_CLOEXEC, 0);
            } while (r < 0 && errno(st) == EINTR);
        } catch (Throwable e) {
            throw rethrow(e);
        }
        if (r < 0) {
            throw error("dup(" + fd + ")", st);
        }
        return r;
    }

    /** Sets or clears O_NONBLOCK on the open file description behind fd. */
    public static void setBlocking(int fd, boolean blocking) throws PosixException {
        int flags = fcntl(fd, F_GETFL, 0, "fcntl(" + fd + ", F_GETFL)");
        int wanted = blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK;
        if (wanted != flags) {
            fcntl(fd, F_SETFL, wanted, "fcntl(" + fd + ", F_SETFL)");
        }
    }

    /** fcntl(fd, F_SETPIPE_SZ, size): the pipe's capacity (Linux rounds up to a power-of-two page count). */
    public static int setPipeSize(int fd, int size) throws PosixException {
        return fcntl(fd, F_SETPIPE_SZ, size, "fcntl(" + fd + ", F_SETPIPE_SZ)");
    }

    /** Whether O_NONBLOCK is clear on fd. */
    public static boolean isBlocking(int fd) throws PosixException {
        return (fcntl(fd, F_GETFL, 0, "fcntl(" + fd + ", F_GETFL)") & O_NONBLOCK) == 0;
    }

    private static int fcntl(int fd, int cmd, int arg, String call) throws PosixException {
        MemorySegment st = state();
        int r;
        try {
            r = (int) FCNTL.invokeExact(st, fd, cmd, arg);
        } catch (Throwable e) {
            throw rethrow(e);
        }
        if (r < 0) {
            throw error(call, st);
        }
        return r;
    }

    /** close(fd); EINTR counts as closed (Linux frees the fd before reporting it). */
    public static void close(int fd) throws PosixException {
        MemorySegment st = state();
        int r;
        try {
            r = (int) CLOSE.invokeExact(st, fd);
        } catch (Throwable e) {
            throw rethrow(e);
        }
        if (r < 0 && errno(st) != EINTR) {
            throw error("close(" + fd + ")", st);
        }
    }

    /**
     * read(2) into {@code buffer} from its position; advances it.
     *
     * @return bytes read, 0 at end of file, -2 when nothing is there now (EAGAIN)
     */
    public static int read(int fd, ByteBuffer buffer) throws PosixException {
        int want = buffer.remaining();
        if (want == 0) {
            return 0;
        }
        Scratch scratch = SCRATCH.get();
        MemorySegment st = scratch.state;
        MemorySegment target;
        boolean direct = buffer.isDirect();
        if (direct) {
            target = MemorySegment.ofBuffer(buffer);
        } else {
            want = Math.min(want, (int) scratch.buffer.byteSize());
            target = scratch.buffer;
        }
        long n;
        try {
            do {
                n = (long) READ.invokeExact(st, fd, target, (long) want);
            } while (n < 0 && errno(st) == EINTR);
        } catch (Throwable e) {
            throw rethrow(e);
        }
        if (n < 0) {
            if (errno(st) == EAGAIN) {
                return -2;
            }
            throw error("read(" + fd + ")", st);
        }
        if (direct) {
            buffer.position(buffer.position() + (int) n);
        } else {
            MemorySegment.ofBuffer(buffer).copyFrom(target.asSlice(0, n));
            buffer.position(buffer.position() + (int) n);
        }
        return (int) n;
    }

    /**
     * write(2) from {@code buffer}'s position; advances it.
     *
     * @return bytes written; 0 when the descriptor cannot take any now (EAGAIN)
     */
    public static int write(int fd, ByteBuffer buffer) throws PosixException {
        int want = buffer.remaining();
        if (want == 0) {
            return 0;
        }
        Scratch scratch = SCRATCH.get();
        MemorySegment st = scratch.state;
        MemorySegment source;
        if (buffer.isDirect()) {
            source = MemorySegment.ofBuffer(buffer);
        } else {
            want = Math.min(want, (int) scratch.buffer.byteSize());
            source = scratch.buffer;
            source.asSlice(0, want).copyFrom(MemorySegment.ofBuffer(buffer).asSlice(0, want));
        }
        long n;
        try {
            do {
                n = (long) WRITE.invokeExact(st, fd, source, (long) want);
            } while (n < 0 && errno(st) == EINTR);
        } catch (Throwable e) {
            throw rethrow(e);
        }
        if (n < 0) {
            if (errno(st) == EAGAIN) {
                return 0;
            }
            throw error("write(" + fd + ")", st);
        }
        buffer.position(buffer.position() + (int) n);
        return (int) n;
    }

    /** open(path, flags, 0600). */
    public static int open(String path, int flags) throws PosixException {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocateFrom(path, StandardCharsets.UTF_8);
            int r;
            do {
                r = (int) OPEN.invokeExact(st, p, flags | O_CLOEXEC, 0600);
            } while (r < 0 && errno(st) == EINTR);
            if (r < 0) {
                throw error("open(" + path + ")", st);
            }
            return r;
        } catch (PosixException e) {
            throw e;
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** pipe2(fds, O_CLOEXEC | extra): {read end, write end}. */
    public static int[] pipe(int extraFlags) throws PosixException {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            int r = (int) PIPE2.invokeExact(st, fds, O_CLOEXEC | extraFlags);
            if (r < 0) {
                throw error("pipe2", st);
            }
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        } catch (PosixException e) {
            throw e;
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** eventfd(initial, EFD_CLOEXEC | flags). */
    public static int eventfd(int initial, int flags) throws PosixException {
        MemorySegment st = state();
        int r;
        try {
            r = (int) EVENTFD.invokeExact(st, initial, O_CLOEXEC | flags);
        } catch (Throwable e) {
            throw rethrow(e);
        }
        if (r < 0) {
            throw error("eventfd", st);
        }
        return r;
    }

    /** mkfifo(path, mode). */
    public static void mkfifo(String path, int mode) throws PosixException {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) MKFIFO.invokeExact(st, arena.allocateFrom(path, StandardCharsets.UTF_8), mode);
            if (r < 0) {
                throw error("mkfifo(" + path + ")", st);
            }
        } catch (PosixException e) {
            throw e;
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /**
     * A pseudo-terminal pair in raw mode: posix_openpt, grantpt, unlockpt, ptsname_r,
     * then the slave opened with O_NOCTTY.
     *
     * @return {master, slave}
     */
    public static int[] openpty() throws PosixException {
        MemorySegment st = state();
        int master;
        try {
            master = (int) POSIX_OPENPT.invokeExact(st, O_RDWR | O_NOCTTY | O_CLOEXEC);
        } catch (Throwable e) {
            throw rethrow(e);
        }
        if (master < 0) {
            throw error("posix_openpt", st);
        }
        try (Arena arena = Arena.ofConfined()) {
            if ((int) GRANTPT.invokeExact(st, master) < 0) {
                throw error("grantpt(" + master + ")", st);
            }
            if ((int) UNLOCKPT.invokeExact(st, master) < 0) {
                throw error("unlockpt(" + master + ")", st);
            }
            MemorySegment buf = arena.allocate(256);
            int r = (int) PTSNAME_R.invokeExact(st, master, buf, 256L);
            if (r != 0) {
                throw new PosixException("ptsname_r(" + master + ")", r);
            }
            int slave = open(buf.getString(0, StandardCharsets.UTF_8), O_RDWR | O_NOCTTY);
            try {
                makeRaw(slave);
            } catch (PosixException e) {
                close(slave);
                throw e;
            }
            return new int[] {master, slave};
        } catch (Throwable e) {
            try {
                close(master);
            } catch (PosixException ignored) {
                // the first failure is the one to report
            }
            if (e instanceof PosixException p) {
                throw p;
            }
            throw rethrow(e);
        }
    }

    private static void makeRaw(int fd) throws PosixException {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment termios = arena.allocate(256); // struct termios is 60 bytes on Linux
            if ((int) TCGETATTR.invokeExact(st, fd, termios) < 0) {
                throw error("tcgetattr(" + fd + ")", st);
            }
            CFMAKERAW.invokeExact(termios);
            if ((int) TCSETATTR.invokeExact(st, fd, 0, termios) < 0) {
                throw error("tcsetattr(" + fd + ")", st);
            }
        } catch (PosixException e) {
            throw e;
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /**
     * poll(2) on one descriptor without waiting.
     *
     * @return the revents (POLLIN, POLLOUT, POLLHUP, ... share epoll's values), 0 when not ready
     */
    public static int pollNow(int fd, int events) throws PosixException {
        Scratch scratch = SCRATCH.get();
        MemorySegment st = scratch.state;
        MemorySegment pfd = scratch.event; // struct pollfd {int fd; short events; short revents;}
        pfd.set(JAVA_INT, 0, fd);
        pfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, (short) events);
        pfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 6, (short) 0);
        int r;
        try {
            do {
                r = (int) POLL.invokeExact(st, pfd, 1L, 0);
            } while (r < 0 && errno(st) == EINTR);
        } catch (Throwable e) {
            throw rethrow(e);
        }
        if (r < 0) {
            throw error("poll(" + fd + ")", st);
        }
        return r == 0 ? 0 : pfd.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 6) & 0xffff;
    }

    // ------------------------------------------------------------------ epoll

    /** epoll_create1(EPOLL_CLOEXEC). */
    public static int epollCreate() throws PosixException {
        MemorySegment st = state();
        int r;
        try {
            r = (int) EPOLL_CREATE1.invokeExact(st, O_CLOEXEC);
        } catch (Throwable e) {
            throw rethrow(e);
        }
        if (r < 0) {
            throw error("epoll_create1", st);
        }
        return r;
    }

    /**
     * epoll_ctl(epfd, op, fd, {events, data}).
     *
     * @return 0, or the errno when it is one of {@code tolerated}
     */
    public static int epollCtl(int epfd, int op, int fd, int events, long data, int... tolerated) throws PosixException {
        Scratch scratch = SCRATCH.get();
        MemorySegment st = scratch.state;
        MemorySegment event = scratch.event;
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

    private static final java.lang.foreign.ValueLayout.OfLong JAVA_LONG_UNALIGNED = JAVA_LONG.withByteAlignment(1);
    private static final java.lang.foreign.ValueLayout.OfInt JAVA_INT_UNALIGNED = JAVA_INT.withByteAlignment(1);

    /** epoll_wait, retrying on EINTR. */
    public static int epollWait(int epfd, MemorySegment events, int max, int timeoutMillis) throws PosixException {
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

    /** The events field of the i-th struct epoll_event in {@code events}. */
    public static int eventFlags(MemorySegment events, int i) {
        return events.get(JAVA_INT_UNALIGNED, i * EPOLL_EVENT_SIZE);
    }

    /** The data field of the i-th struct epoll_event in {@code events}. */
    static long eventData(MemorySegment events, int i) {
        return events.get(JAVA_LONG_UNALIGNED, i * EPOLL_EVENT_SIZE + EPOLL_DATA_OFFSET);
    }
}
