package io.asyncore.file.internal;

import static io.asyncore.file.internal.Native.bind;
import static io.asyncore.file.internal.Native.bindPlain;
import static io.asyncore.file.internal.Native.bindVariadic;
import static io.asyncore.file.internal.Native.errno;
import static io.asyncore.file.internal.Native.error;
import static io.asyncore.file.internal.Native.rethrow;
import static io.asyncore.file.internal.Native.state;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.asyncore.file.PosixException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The libc calls on file descriptors this module needs: duplicate, fcntl, read, write,
 * close, open, pipes, FIFOs, eventfds, pseudo-terminals and a non-waiting {@code poll(2)}
 * (bound through {@link Native}; the epoll calls are in {@link Epoll}). Every method
 * throws {@link PosixException} naming the call and errno, except where it documents a
 * value that means "nothing now" ({@code EAGAIN}).
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

    private static final MethodHandle READ = bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FCNTL = bindVariadic("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle OPEN = bindVariadic("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle PIPE2 = bind("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle EVENTFD = bind("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle MKFIFO = bind("mkfifo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle POLL = bind("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle POSIX_OPENPT = bind("posix_openpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GRANTPT = bind("grantpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle UNLOCKPT = bind("unlockpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle PTSNAME_R = bind("ptsname_r", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle TCGETATTR = bind("tcgetattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle TCSETATTR = bind("tcsetattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle CFMAKERAW = bindPlain("cfmakeraw", FunctionDescriptor.ofVoid(ADDRESS));

    private Posix() {}

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
        Native.Scratch scratch = Native.scratch();
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
        Native.Scratch scratch = Native.scratch();
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
        Native.Scratch scratch = Native.scratch();
        MemorySegment st = scratch.state;
        MemorySegment pfd = scratch.struct; // struct pollfd {int fd; short events; short revents;}
        pfd.set(JAVA_INT, 0, fd);
        pfd.set(JAVA_SHORT, 4, (short) events);
        pfd.set(JAVA_SHORT, 6, (short) 0);
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
        return r == 0 ? 0 : pfd.get(JAVA_SHORT, 6) & 0xffff;
    }

}
