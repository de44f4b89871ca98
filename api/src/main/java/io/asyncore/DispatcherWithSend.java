package io.asyncore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Python's {@code dispatcher_with_send}: a {@link Dispatcher} whose {@link #send} never
 * loses data. What the socket cannot take now is buffered and written, in order, as the
 * socket becomes writable, in slices of at most 64 KiB.
 */
@ConsumerType
public abstract class DispatcherWithSend extends Dispatcher {

    /** Python writes at most this many bytes per {@code send} call. */
    static final int SLICE = 65536;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private ByteBuffer outBuffer = EMPTY;

    /** Without a socket, in the default map. */
    protected DispatcherWithSend() {
        super();
    }

    /**
     * Without a socket, in {@code map}.
     *
     * @param map the map, null for the default map
     */
    protected DispatcherWithSend(ChannelMap map) {
        super(map);
    }

    /**
     * Around an accepted or connected channel, in the default map.
     *
     * @param channel the channel
     */
    protected DispatcherWithSend(SelectableChannel channel) {
        super(channel);
    }

    /**
     * Around a channel, in {@code map}.
     *
     * @param channel the channel
     * @param map the map, null for the default map
     */
    protected DispatcherWithSend(SelectableChannel channel, ChannelMap map) {
        super(channel, map);
    }

    /**
     * Queues {@code data} and writes as much as the socket takes now (Python:
     * {@code self.out_buffer = self.out_buffer + data; self.initiate_send()}).
     *
     * @param data the bytes to send; copied
     * @return the number of bytes accepted: always {@code data.length}
     * @throws IOException if writing fails with an error other than a disconnect
     */
    @Override
    public int send(byte[] data) throws IOException {
        return send(ByteBuffer.wrap(data));
    }

    /**
     * Queues the buffer's remaining bytes and writes as much as the socket takes now.
     *
     * @param data the bytes to send; copied, its position moves to its limit
     * @return the number of bytes accepted: all that remained
     * @throws IOException if writing fails with an error other than a disconnect
     */
    @Override
    public int send(ByteBuffer data) throws IOException {
        int n = data.remaining();
        append(data);
        initiateSend();
        return n;
    }

    /**
     * How many bytes wait to be written: Python's {@code len(self.out_buffer)}.
     *
     * @return the buffered byte count
     */
    public int pendingBytes() {
        return outBuffer.remaining();
    }

    /**
     * Writes one slice of up to 64 KiB from the buffer.
     *
     * @throws IOException if writing fails with an error other than a disconnect
     */
    protected void initiateSend() throws IOException {
        if (!outBuffer.hasRemaining() || isClosed()) {
            return;
        }
        int limit = outBuffer.limit();
        outBuffer.limit(outBuffer.position() + Math.min(SLICE, outBuffer.remaining()));
        try {
            super.send(outBuffer);
        } finally {
            outBuffer.limit(limit);
        }
        if (!outBuffer.hasRemaining()) {
            // Drained: start again at the front, and give back memory a burst grew.
            outBuffer = outBuffer.capacity() > SLICE ? EMPTY : outBuffer.clear().limit(0);
        }
    }

    @Override
    protected void handleWrite() throws IOException {
        initiateSend();
    }

    /** Writable while not yet connected (to see the connect) or while data waits. */
    @Override
    public boolean writable() {
        return !connected || outBuffer.hasRemaining();
    }

    private void append(ByteBuffer data) {
        int pending = outBuffer.remaining();
        int adding = data.remaining();
        if (adding == 0) {
            return;
        }
        if (outBuffer.capacity() - outBuffer.limit() >= adding) {
            int position = outBuffer.position();
            outBuffer.position(outBuffer.limit()).limit(outBuffer.capacity());
            outBuffer.put(data);
            outBuffer.limit(outBuffer.position()).position(position);
        } else if (outBuffer.capacity() >= pending + adding) {
            outBuffer.compact().put(data).flip();
        } else {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(pending + adding, outBuffer.capacity() * 2));
            bigger.put(outBuffer).put(data).flip();
            outBuffer = bigger;
        }
    }
}
