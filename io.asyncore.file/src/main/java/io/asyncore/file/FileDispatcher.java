package io.asyncore.file;

import io.asyncore.AddressFamily;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.SocketType;
import io.asyncore.file.internal.FdReadiness;
import io.asyncore.file.internal.Posix;
import io.asyncore.spi.ReadinessSource;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Python's {@code asyncore.file_dispatcher}: a {@link Dispatcher} over a Unix file
 * descriptor (a pipe, FIFO, terminal, eventfd, character device or regular file),
 * in the same {@link ChannelMap} and loop as socket dispatchers.
 *
 * <p>The constructor duplicates the descriptor into a {@link FileWrapper} (Python's
 * {@code self.socket}), makes it non-blocking, marks the dispatcher {@link #connected}
 * as Python does, and joins the map. Subclasses override {@link #handleRead()},
 * {@link #handleWrite()}, {@link #handleClose()} and answer {@link #readable()} and
 * {@link #writable()}, all called on the loop thread, exactly as for sockets.
 * {@link #recv(int)} at end of file calls {@link #handleClose()} and returns empty;
 * {@link #send(byte[])} to a pipe without reader ({@code EPIPE}) calls
 * {@link #handleClose()} and returns 0; both return empty or 0 when the descriptor has
 * nothing or no room now ({@code EAGAIN}). Other errors are thrown as
 * {@link PosixException} and reach {@link #handleError(Throwable)}.
 *
 * <p>Readiness comes from one shared {@code epoll} thread ({@code asyncore-fd-poller})
 * that only detects it and wakes the loop; no user code runs there. A backend that
 * watches descriptors itself takes the descriptor instead (see
 * {@link ReadinessSource#offerDescriptor}), and then no such thread runs. Regular files are
 * always ready, as POSIX says. Differences from Python: hang-up and error are delivered
 * as read or write events, so that a pipe's buffered data is read before the end of file
 * closes the dispatcher (Python's {@code readwrite} calls {@code handle_close} at once
 * on {@code POLLHUP}, dropping unread data); {@code EIO} from reading a pseudo-terminal
 * whose other side closed counts as end of file.
 *
 * <p>Non-blocking mode belongs to the open file description, which the duplicate shares
 * with the original descriptor: wrapping standard input makes it non-blocking for every
 * process sharing it, as in Python.
 *
 * <p>Socket operations ({@link #createSocket}, {@link #bind}, {@link #listen},
 * {@link #connect}, {@link #accept}, {@link #setSocket}) make no sense here and throw
 * {@link UnsupportedOperationException}. Needs native access; see {@link FileWrapper}.
 */
@ConsumerType
public class FileDispatcher extends Dispatcher {

    private static final int ENOTCONN = 107, ESHUTDOWN = 108, ECONNABORTED = 103, ECONNRESET = 104;

    private final FdReadiness readiness = new FdReadiness(this);
    private volatile FileWrapper file;

    /**
     * Python's {@code file_dispatcher(fd)}: in the map the
     * map rule of {@link io.asyncore.Dispatcher} chooses.
     *
     * @param fd an open file descriptor; duplicated, so the caller may close its copy
     * @throws PosixException if it cannot be duplicated or made non-blocking
     */
    public FileDispatcher(int fd) throws PosixException {
        this(fd, null);
    }

    /**
     * Python's {@code file_dispatcher(fd, map)}.
     *
     * @param fd an open file descriptor; duplicated, so the caller may close its copy
     * @param map the map to join; null to let the
     *     map rule of {@link io.asyncore.Dispatcher} choose
     * @throws PosixException if it cannot be duplicated or made non-blocking
     */
    public FileDispatcher(int fd, ChannelMap map) throws PosixException {
        super(map);
        connected = true;
        setFile(fd);
    }

    /**
     * Python's {@code file_dispatcher(sys.stdin)}: a dispatcher over a standard stream, in
     * the map that the map rule of {@link io.asyncore.Dispatcher}
     * chooses; see {@link #FileDispatcher(FileDescriptor, ChannelMap)}.
     *
     * @param descriptor {@code FileDescriptor.in}, {@code .out} or {@code .err}
     * @throws PosixException if it cannot be duplicated or made non-blocking
     * @throws IllegalArgumentException for other descriptors
     */
    public FileDispatcher(FileDescriptor descriptor) throws PosixException {
        this(descriptor, null);
    }

    /**
     * A dispatcher over a standard stream: {@code FileDescriptor.in}, {@code .out} or
     * {@code .err} (see {@link FileWrapper#of(FileDescriptor)} for why no other).
     *
     * @param descriptor a standard stream's descriptor
     * @param map the map to join; null to let the
     *     map rule of {@link io.asyncore.Dispatcher} choose
     * @throws PosixException if it cannot be duplicated or made non-blocking
     * @throws IllegalArgumentException for other descriptors
     */
    public FileDispatcher(FileDescriptor descriptor, ChannelMap map) throws PosixException {
        this(FileWrapper.number(descriptor), map);
    }

    /**
     * Python's {@code set_file(fd)}: wraps a duplicate of {@code fd}, makes it
     * non-blocking and joins the map (made on another thread than the map's loop: at
     * {@link #addChannel()}, see {@link Dispatcher#joinMap()}).
     *
     * @param fd an open file descriptor
     * @throws PosixException if it cannot be duplicated or made non-blocking
     * @throws IllegalStateException if this dispatcher already has an open file, or was closed
     */
    public void setFile(int fd) throws PosixException {
        if (isClosed()) {
            throw new IllegalStateException("setFile: " + this + " is closed; make a new dispatcher");
        }
        FileWrapper current = file;
        if (current != null && !current.isClosed()) {
            throw new IllegalStateException("setFile: " + this + " already has a file; close it first");
        }
        FileWrapper wrapper = new FileWrapper(fd);
        try {
            wrapper.setBlocking(false);
        } catch (PosixException e) {
            wrapper.close();
            throw e;
        }
        readiness.unregister();
        file = wrapper;
        joinMap();
    }

    /**
     * Python's {@code self.socket}: the wrapper that owns the duplicate. Close the
     * dispatcher, not the wrapper: the dispatcher must stop watching first.
     *
     * @return the wrapper
     */
    public FileWrapper wrapper() {
        return file;
    }

    /**
     * Python's {@code _fileno}: the owned descriptor.
     *
     * @return the descriptor, -1 once closed
     */
    public int fileno() {
        FileWrapper f = file;
        return f == null ? -1 : f.fileno();
    }

    /** The source the engine asks instead of the JDK selector. */
    @Override
    public ReadinessSource readinessSource() {
        return readiness;
    }

    // ------------------------------------------------------------------ I/O

    /**
     * Python's {@code recv(n)}.
     *
     * @param bufferSize the most bytes to read
     * @return the bytes read; empty when nothing is there now, or at end of file (then
     *     {@link #handleClose()} ran)
     * @throws IOException for errors other than end of file and disconnects
     */
    @Override
    public byte[] recv(int bufferSize) throws IOException {
        if (bufferSize <= 0) {
            throw new IllegalArgumentException("recv: buffer size must be positive, got " + bufferSize);
        }
        ByteBuffer buffer = ByteBuffer.allocate(bufferSize);
        int n = recv(buffer);
        return n <= 0 ? new byte[0] : Arrays.copyOf(buffer.array(), n);
    }

    /**
     * Reads into a buffer; direct buffers without a copy.
     *
     * @param buffer where to put the bytes
     * @return bytes read; 0 when nothing is there now; -1 at end of file or on a
     *     disconnect error (then {@link #handleClose()} ran)
     * @throws IOException for other errors
     */
    @Override
    public int recv(ByteBuffer buffer) throws IOException {
        if (buffer == null) {
            throw new NullPointerException("recv: buffer is null");
        }
        try {
            int n = file("recv").recv(buffer);
            if (n < 0) {
                handleClose();
            }
            return n;
        } catch (PosixException e) {
            if (isDisconnect(e.errno()) || e.errno() == Posix.EIO) {
                handleClose();
                return -1;
            }
            throw e;
        }
    }

    /**
     * Python's {@code send(data)}.
     *
     * @param data the bytes to write
     * @return bytes written; 0 when there is no room now, or when the reader is gone
     *     (then {@link #handleClose()} ran)
     * @throws IOException for other errors
     */
    @Override
    public int send(byte[] data) throws IOException {
        return send(ByteBuffer.wrap(data));
    }

    /**
     * Writes from a buffer, whose position advances; direct buffers without a copy.
     *
     * @param data the bytes to write
     * @return bytes written, as {@link #send(byte[])}
     * @throws IOException for errors other than disconnects
     */
    @Override
    public int send(ByteBuffer data) throws IOException {
        if (data == null) {
            throw new NullPointerException("send: data is null");
        }
        try {
            return file("send").send(data);
        } catch (PosixException e) {
            if (isDisconnect(e.errno())) {
                handleClose();
                return 0;
            }
            throw e;
        }
    }

    private FileWrapper file(String operation) {
        FileWrapper f = file;
        if (f == null) {
            throw new IllegalStateException(operation + ": " + this + " has no file; call setFile first");
        }
        return f;
    }

    /** Python's {@code _DISCONNECTED}. */
    private static boolean isDisconnect(int errno) {
        return errno == ECONNRESET || errno == ENOTCONN || errno == ESHUTDOWN || errno == ECONNABORTED
                || errno == Posix.EPIPE || errno == Posix.EBADF;
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Python's {@code close()}: leaves the map, stops watching the descriptor, then
     * closes it. Idempotent; {@code EBADF} and {@code ENOTCONN} from the close are
     * ignored, as in Python.
     *
     * @throws UncheckedIOException for other errors from {@code close(2)}
     */
    @Override
    public void close() {
        super.close(); // leaves the map through delChannel(), which stops watching
        FileWrapper f = file;
        if (f != null) {
            try {
                f.close();
            } catch (PosixException e) {
                if (e.errno() != Posix.EBADF && e.errno() != ENOTCONN) {
                    throw new UncheckedIOException("close " + this, e);
                }
            }
        }
    }

    /** Python's {@code del_channel()}: leaves the map and stops watching the descriptor. */
    @Override
    public void delChannel() {
        readiness.unregister();
        super.delChannel();
    }

    // ------------------------------------------------------------------ not for files

    /**
     * Not for files.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public void createSocket(AddressFamily family, SocketType type) {
        throw unsupported("createSocket");
    }

    /**
     * Not for files.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public void setSocket(SelectableChannel channel, ChannelMap map) {
        throw unsupported("setSocket");
    }

    /**
     * Not for files.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public void bind(SocketAddress address) {
        throw unsupported("bind");
    }

    /**
     * Not for files.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public void listen(int backlog) {
        throw unsupported("listen");
    }

    /**
     * Not for files.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public void connect(SocketAddress address) {
        throw unsupported("connect");
    }

    /**
     * Not for files.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public SocketChannel accept() {
        throw unsupported("accept");
    }

    private UnsupportedOperationException unsupported(String operation) {
        return new UnsupportedOperationException(operation + ": " + this + " wraps a file descriptor, not a socket");
    }

    /** Like Python's repr: {@code <com.example.Tail connected fd=7 at 0x1b2c3d>}. */
    @Override
    public String toString() {
        return "<" + getClass().getName() + (connected ? " connected" : "") + " fd=" + fileno()
                + " at 0x" + Integer.toHexString(System.identityHashCode(this)) + ">";
    }
}
