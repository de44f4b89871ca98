package io.asyncore;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;

/**
 * A dispatcher's traffic: Python's {@code send}, {@code recv}, {@code sendto} and
 * {@code recvfrom}, with Python's reading of errors (a disconnect means
 * {@code handleClose()} and 0 or end of stream, EWOULDBLOCK means 0). {@link Dispatcher}
 * keeps the public methods and their contracts; the behaviour is here.
 */
final class StreamIo {

    private static final int RECV_SCRATCH_SIZE = 64 * 1024;
    private static final ThreadLocal<ByteBuffer> RECV_SCRATCH =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(RECV_SCRATCH_SIZE));

    private StreamIo() {}

    static int send(Dispatcher d, ByteBuffer data) throws IOException {
        SelectableChannel channel = d.socket;
        if (!(channel instanceof WritableByteChannel out)) {
            throw notOpen(d, "send");
        }
        // A closed socket is not checked here: as Python's EBADF, the write fails with a
        // disconnect (ClosedChannelException), so handleClose runs and the answer is 0.
        try {
            int n = d.layer != null ? d.layer.write(data) : out.write(data);
            if (n > 0) {
                Counting.out(d, n);
                if (d.timeouts != null) {
                    d.timeouts.lastWrite = System.nanoTime();
                }
            }
            return n;
        } catch (NotYetConnectedException e) {
            if (channel instanceof DatagramChannel) {
                // Python: EDESTADDRREQ, an error (handle_error), not "try again later"
                throw new SocketException("send: destination address required: " + d
                        + " is an unconnected datagram socket; connect it or use sendTo");
            }
            if (neverConnected(channel)) {
                d.handleClose(); // Python: EPIPE (TCP) or ENOTCONN (Unix), both disconnects
            }
            return 0; // else a connect still in progress (Python: EAGAIN): nothing sent yet
        } catch (IOException e) {
            if (Disconnects.isDisconnect(e)) {
                d.handleClose();
                return 0;
            }
            throw e;
        }
    }

    static byte[] recv(Dispatcher d, int bufferSize) throws IOException {
        if (bufferSize <= 0) {
            throw new IllegalArgumentException("recv: buffer size must be positive, got " + bufferSize);
        }
        if (bufferSize > RECV_SCRATCH_SIZE) {
            ByteBuffer buffer = ByteBuffer.allocate(bufferSize);
            int n = d.recv(buffer);
            return n <= 0 ? new byte[0] : Arrays.copyOf(buffer.array(), n);
        }
        // Read into this thread's direct scratch buffer and copy out only what arrived:
        // no zeroed bufferSize-byte array per call, and no copy through the JDK's
        // temporary direct buffer. Safe to share: nothing else runs on this thread
        // between the read and the copy when bytes arrived.
        ByteBuffer buffer = RECV_SCRATCH.get().clear().limit(bufferSize);
        int n = d.recv(buffer);
        if (n <= 0) {
            return new byte[0];
        }
        byte[] data = new byte[n];
        buffer.flip().get(data);
        return data;
    }

    static int recv(Dispatcher d, ByteBuffer buffer) throws IOException {
        SelectableChannel channel = d.socket;
        if (!(channel instanceof ReadableByteChannel in)) {
            throw notOpen(d, "recv");
        }
        // A closed socket reads as a disconnect (Python: EBADF): handleClose, then -1.
        try {
            int n;
            if (channel instanceof DatagramChannel datagram && !datagram.isConnected()) {
                // Python's recv on an unconnected UDP socket takes the next datagram from
                // anyone; NIO's read would refuse (NotYetConnectedException)
                int start = buffer.position();
                n = datagram.receive(buffer) == null ? 0 : buffer.position() - start;
            } else {
                n = d.layer != null ? d.layer.read(buffer) : in.read(buffer);
            }
            if (n < 0) {
                d.handleEndOfStream();
            } else if (n > 0) {
                Counting.in(d, n);
                if (d.timeouts != null) {
                    d.timeouts.lastRead = System.nanoTime();
                }
            }
            return n;
        } catch (NotYetConnectedException e) {
            if (!neverConnected(channel)) {
                return 0; // a connect still in progress: nothing there yet
            }
            if (d.family() == AddressFamily.UNIX) {
                // Linux answers recv on an unconnected Unix stream socket with EINVAL,
                // which Python's recv does not count as a disconnect and raises
                throw new SocketException("recv: EINVAL: " + d + " is a Unix-domain socket that never connected");
            }
            d.handleClose(); // Python: ENOTCONN, a disconnect
            return -1;
        } catch (IOException e) {
            if (Disconnects.isDisconnect(e)) {
                d.handleClose();
                return -1;
            }
            throw e;
        }
    }

    static int sendTo(Dispatcher d, byte[] data, SocketAddress address) throws IOException {
        DatagramChannel channel = SocketSetup.datagram(d, "sendTo");
        d.family.check(address, "sendTo");
        return channel.send(ByteBuffer.wrap(data), address);
    }

    static Datagram recvFrom(Dispatcher d, int bufferSize) throws IOException {
        if (bufferSize <= 0) {
            throw new IllegalArgumentException("recvFrom: buffer size must be positive, got " + bufferSize);
        }
        DatagramChannel channel = SocketSetup.datagram(d, "recvFrom");
        ByteBuffer buffer = ByteBuffer.allocate(bufferSize);
        SocketAddress sender = channel.receive(buffer);
        return sender == null ? null : new Datagram(Arrays.copyOf(buffer.array(), buffer.position()), sender);
    }

    /** A stream socket that neither is connected nor has a connect in progress. */
    private static boolean neverConnected(SelectableChannel channel) {
        return channel instanceof SocketChannel stream && !stream.isConnectionPending();
    }

    private static IllegalStateException notOpen(Dispatcher d, String operation) {
        SocketSetup.open(d, operation);
        return new IllegalStateException(operation + ": " + d + " has no byte-stream socket");
    }
}
