package io.asyncore.chat;

import java.util.Arrays;

/**
 * Python's {@code simple_producer(data, buffer_size=512)}: hands out a byte array in
 * pieces of at most {@code bufferSize} bytes.
 *
 * <p>Not thread-safe: like the chat that asks it, it belongs to the loop thread.
 */
public final class SimpleProducer implements Producer {

    /** Python's default piece size: 512 bytes. */
    public static final int DEFAULT_BUFFER_SIZE = 512;

    private final byte[] data;
    private final int bufferSize;
    private int offset;

    /**
     * Pieces of 512 bytes.
     *
     * @param data the bytes to produce; copied
     * @throws NullPointerException if {@code data} is null
     */
    public SimpleProducer(byte[] data) {
        this(data, DEFAULT_BUFFER_SIZE);
    }

    /**
     * Pieces of {@code bufferSize} bytes.
     *
     * @param data the bytes to produce; copied
     * @param bufferSize the largest piece {@link #more()} returns
     * @throws NullPointerException if {@code data} is null
     * @throws IllegalArgumentException if {@code bufferSize} is not positive (Python
     *     would silently lose the data: a piece of 0 bytes reads as "exhausted")
     */
    public SimpleProducer(byte[] data, int bufferSize) {
        if (data == null) {
            throw new NullPointerException("SimpleProducer: data is null");
        }
        if (bufferSize <= 0) {
            throw new IllegalArgumentException("SimpleProducer: bufferSize must be positive, got " + bufferSize);
        }
        this.data = data.clone();
        this.bufferSize = bufferSize;
    }

    /**
     * The next piece: {@code bufferSize} bytes while more than that remain, then the rest,
     * then empty arrays.
     *
     * @return the next piece, empty once everything was produced
     */
    @Override
    public byte[] more() {
        int left = data.length - offset;
        int n = Math.min(left, bufferSize);
        byte[] piece = Arrays.copyOfRange(data, offset, offset + n);
        offset += n;
        return piece;
    }

    /**
     * How many bytes are still to be produced.
     *
     * @return the remaining byte count
     */
    public int remaining() {
        return data.length - offset;
    }
}
