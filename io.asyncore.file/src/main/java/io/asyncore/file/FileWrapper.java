package io.asyncore.file;

import io.asyncore.file.internal.Posix;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Python's {@code asyncore.file_wrapper}: owns a duplicate of a Unix file descriptor and
 * reads and writes it with {@code read(2)} and {@code write(2)} through
 * {@code java.lang.foreign}.
 *
 * <p>The constructor duplicates the descriptor (close-on-exec, like {@code os.dup}), so
 * the caller may close its own copy at once. The duplicate shares the open file
 * description, and with it the {@code O_NONBLOCK} flag: {@link #setBlocking(boolean)}
 * changes it for every descriptor of that description, as Python's
 * {@code os.set_blocking} does.
 *
 * <p>Errors are {@link PosixException}s whose message names the call, the descriptor
 * and the errno, such as {@code "read(7): EBADF"}; {@code EAGAIN} is not an error here
 * but "nothing now". {@link #close()} is idempotent and never closes a descriptor twice:
 * the field is cleared before the close (CPython bpo-30980), so a descriptor number the
 * system has reused for another file is never touched.
 *
 * <p>Needs native access: {@code --enable-native-access=io.asyncore.file} on the module
 * path, {@code --enable-native-access=ALL-UNNAMED} on the class path and inside OSGi.
 * Linux only. Thread-safe for {@link #close()} and {@link #fileno()}; reads and writes
 * belong to one thread at a time.
 */
@ProviderType
public final class FileWrapper implements AutoCloseable {

    private final AtomicInteger fd;

    /**
     * Python's {@code file_wrapper(fd)}: duplicates {@code fd} and owns the duplicate.
     * The blocking mode is left as it is.
     *
     * @param fd an open file descriptor
     * @throws PosixException if {@code fd} cannot be duplicated ({@code EBADF}, {@code EMFILE})
     */
    public FileWrapper(int fd) throws PosixException {
        if (fd < 0) {
            throw new PosixException("dup(" + fd + ")", Posix.EBADF);
        }
        this.fd = new AtomicInteger(Posix.dup(fd));
    }

    /**
     * Wraps one of the standard streams' descriptors.
     *
     * <p>Only {@link FileDescriptor#in}, {@link FileDescriptor#out} and
     * {@link FileDescriptor#err} are accepted: their numbers are 0, 1 and 2 by POSIX. Any
     * other {@code FileDescriptor} keeps its number in a private field of
     * {@code java.base} that no public API reveals, and reading it by reflection would
     * need {@code --add-opens java.base/java.io}; pass the {@code int} instead.
     *
     * @param descriptor {@code FileDescriptor.in}, {@code .out} or {@code .err}
     * @return a wrapper around a duplicate of 0, 1 or 2
     * @throws IllegalArgumentException for any other descriptor
     * @throws PosixException if the descriptor is closed
     */
    public static FileWrapper of(FileDescriptor descriptor) throws PosixException {
        return new FileWrapper(number(descriptor));
    }

    /**
     * The number of a standard stream's descriptor; see {@link #of(FileDescriptor)}.
     *
     * @param descriptor {@code FileDescriptor.in}, {@code .out} or {@code .err}
     * @return 0, 1 or 2
     * @throws IllegalArgumentException for any other descriptor
     */
    public static int number(FileDescriptor descriptor) {
        if (descriptor == FileDescriptor.in) {
            return 0;
        }
        if (descriptor == FileDescriptor.out) {
            return 1;
        }
        if (descriptor == FileDescriptor.err) {
            return 2;
        }
        throw new IllegalArgumentException("only FileDescriptor.in, .out and .err have a known number; "
                + "java.io.FileDescriptor hides the number of " + descriptor + ", pass the int fd instead");
    }

    /**
     * Python's {@code fileno()}: the owned duplicate.
     *
     * @return the descriptor, or -1 once closed
     */
    public int fileno() {
        return fd.get();
    }

    /**
     * Whether {@link #close()} has run.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return fd.get() < 0;
    }

    /**
     * Python's {@code os.set_blocking(fd, blocking)} on the owned descriptor.
     *
     * @param blocking false for {@code O_NONBLOCK}
     * @throws PosixException if {@code fcntl} fails, {@code EBADF} once closed
     */
    public void setBlocking(boolean blocking) throws PosixException {
        Posix.setBlocking(open("fcntl"), blocking);
    }

    /**
     * Python's {@code os.get_blocking(fd)}.
     *
     * @return true when {@code O_NONBLOCK} is clear
     * @throws PosixException if {@code fcntl} fails, {@code EBADF} once closed
     */
    public boolean isBlocking() throws PosixException {
        return Posix.isBlocking(open("fcntl"));
    }

    /**
     * Python's {@code recv(n)} ({@code os.read}): at most {@code bufferSize} bytes.
     *
     * @param bufferSize the most bytes to read
     * @return the bytes read; empty at end of file and also when a non-blocking
     *     descriptor has nothing now (use {@link #recv(ByteBuffer)} to tell them apart)
     * @throws PosixException on errors, {@code "read(-1): EBADF"} once closed
     */
    public byte[] recv(int bufferSize) throws PosixException {
        if (bufferSize <= 0) {
            throw new IllegalArgumentException("recv: buffer size must be positive, got " + bufferSize);
        }
        ByteBuffer buffer = ByteBuffer.allocate(bufferSize);
        int n = recv(buffer);
        return n <= 0 ? new byte[0] : Arrays.copyOf(buffer.array(), n);
    }

    /**
     * Reads into {@code buffer} from its position, like a channel; direct buffers go to
     * {@code read(2)} without a copy.
     *
     * @param buffer where to put the bytes
     * @return bytes read; 0 when nothing is there now ({@code EAGAIN}) or the buffer is
     *     full; -1 at end of file
     * @throws PosixException on errors, {@code "read(-1): EBADF"} once closed
     */
    public int recv(ByteBuffer buffer) throws PosixException {
        int n = Posix.read(open("read"), buffer);
        return n == -2 ? 0 : n == 0 && buffer.hasRemaining() ? -1 : n;
    }

    /**
     * Python's {@code read}, the same as {@link #recv(int)}.
     *
     * @param bufferSize the most bytes to read
     * @return as {@link #recv(int)}
     * @throws PosixException as {@link #recv(int)}
     */
    public byte[] read(int bufferSize) throws PosixException {
        return recv(bufferSize);
    }

    /**
     * Python's {@code send(data)} ({@code os.write}).
     *
     * @param data the bytes to write
     * @return bytes written; 0 when a non-blocking descriptor cannot take any now
     * @throws PosixException on errors such as {@code EPIPE} (no reader left)
     */
    public int send(byte[] data) throws PosixException {
        return send(ByteBuffer.wrap(data));
    }

    /**
     * Writes from {@code buffer}'s position, which advances by the bytes written; direct
     * buffers go to {@code write(2)} without a copy.
     *
     * @param data the bytes to write
     * @return bytes written; 0 when a non-blocking descriptor cannot take any now
     * @throws PosixException on errors such as {@code EPIPE}
     */
    public int send(ByteBuffer data) throws PosixException {
        return Posix.write(open("write"), data);
    }

    /**
     * Python's {@code write}, the same as {@link #send(byte[])}.
     *
     * @param data the bytes to write
     * @return as {@link #send(byte[])}
     * @throws PosixException as {@link #send(byte[])}
     */
    public int write(byte[] data) throws PosixException {
        return send(data);
    }

    /**
     * Python's {@code close()}: closes the owned descriptor once. The field becomes -1
     * before the system call, so a second call does nothing even when the first failed
     * (and never closes a reused descriptor number).
     *
     * @throws PosixException if {@code close(2)} fails, such as {@code EBADF} when
     *     someone else closed the descriptor
     */
    @Override
    public void close() throws PosixException {
        int old = fd.getAndSet(-1);
        if (old >= 0) {
            Posix.close(old);
        }
    }

    private int open(String call) throws PosixException {
        int f = fd.get();
        if (f < 0) {
            throw new PosixException(call + "(" + f + ")", Posix.EBADF);
        }
        return f;
    }

    @Override
    public String toString() {
        return "FileWrapper[fd=" + fd.get() + "]";
    }
}
