package io.asyncore.chat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A chat's input side: Python's {@code ac_in_buffer} and the loop of
 * {@code async_chat.handle_read}, which reads and splits the bytes at the terminator into
 * {@link AsyncChat#collectIncomingData(byte[])} and {@link AsyncChat#foundTerminator()}.
 * Loop thread only.
 */
final class InputSplitter {

    private static final byte[] EMPTY = new byte[0];

    /** Read buffers, one per loop thread, lent to one read at a time. */
    private static final ThreadLocal<byte[]> SCRATCH = new ThreadLocal<>();

    private final AsyncChat chat;
    // Python's ac_in_buffer: in[inStart, inEnd). Between reads it holds at most a partial
    // terminator, in a small array of its own; during read() it is the scratch buffer.
    private byte[] in = EMPTY;
    private int inStart;
    private int inEnd;

    InputSplitter(AsyncChat chat) {
        this.chat = chat;
    }

    /** The bytes held back as a possible start of the delimiter. */
    int held() {
        return inEnd - inStart;
    }

    /** Drops what is held. */
    void clear() {
        inStart = 0;
        inEnd = 0;
    }

    /** Python's {@code handle_read}: reads up to {@code acInBufferSize} bytes and splits them. */
    void read() throws IOException {
        int size = chat.acInBufferSize;
        if (size <= 0) {
            throw new IllegalStateException("acInBufferSize must be positive, got " + size);
        }
        int held = inEnd - inStart;
        byte[] scratch = SCRATCH.get();
        SCRATCH.set(null); // lent to this call; a nested handleRead gets its own
        if (scratch == null || scratch.length < held + size) {
            scratch = new byte[Math.max(held + size, AsyncChat.DEFAULT_IN_BUFFER_SIZE)];
        }
        System.arraycopy(in, inStart, scratch, 0, held);
        in = scratch;
        inStart = 0;
        inEnd = held;
        try {
            int n;
            try {
                n = chat.recv(ByteBuffer.wrap(scratch, held, size));
            } catch (IOException e) {
                chat.handleError(e);
                return;
            }
            if (n > 0) {
                inEnd = held + n;
            }
            split();
        } finally {
            // Keep only the partial terminator; give the scratch buffer back.
            if (in == scratch) {
                int left = inEnd - inStart;
                in = left == 0 || chat.isClosed() ? EMPTY : Arrays.copyOfRange(scratch, inStart, inEnd);
                inStart = 0;
                inEnd = in.length;
            }
            SCRATCH.set(scratch);
        }
    }

    /** The loop of Python's handle_read, over in[inStart, inEnd). */
    private void split() throws IOException {
        while (inEnd > inStart) {
            int lb = inEnd - inStart;
            Terminator t = chat.getTerminator();
            if (t == null || t.collectsAll()) {
                // no terminator, collect it all
                if (!collect(inStart, lb)) {
                    return;
                }
                clear();
            } else if (t instanceof Terminator.Count count) {
                long n = count.bytes();
                if (lb < n) {
                    if (!collect(inStart, lb)) {
                        return;
                    }
                    clear();
                    // Python: self.terminator = self.terminator - lb (the field, which
                    // collectIncomingData may have replaced; a non-count replacement stands)
                    if (chat.terminator instanceof Terminator.Count current) {
                        chat.terminator = Terminator.count(Math.max(0, current.bytes() - lb));
                    }
                } else {
                    if (!collect(inStart, (int) n)) {
                        return;
                    }
                    consume((int) n);
                    chat.terminator = Terminator.count(0);
                    chat.foundTerminator();
                }
            } else {
                byte[] delimiter = ((Terminator.Delimiter) t).shared();
                int index = indexOf(in, inStart, inEnd, delimiter);
                if (index != -1) {
                    // we found the terminator; don't report the empty string
                    if (index > 0 && !collect(inStart, index)) {
                        return;
                    }
                    consume(index + delimiter.length);
                    // This does the Right Thing if the terminator is changed here.
                    chat.foundTerminator();
                } else {
                    int prefix = findPrefixAtEnd(in, inStart, inEnd, delimiter);
                    if (prefix != 0) {
                        if (prefix != lb) {
                            // collect up to the prefix, keep the prefix
                            if (!collect(inStart, lb - prefix)) {
                                return;
                            }
                            inStart = Math.max(inStart, inEnd - prefix);
                        }
                        break;
                    }
                    // no prefix, collect it all
                    if (!collect(inStart, lb)) {
                        return;
                    }
                    clear();
                }
            }
        }
    }

    /**
     * Hands in[from, from + length) to collectIncomingData; if that made the default
     * collection pass its bound, reports the error, closes, and answers false.
     */
    private boolean collect(int from, int length) throws IOException {
        byte[] data = Arrays.copyOfRange(in, from, from + length);
        chat.collectIncomingData(data);
        InputLimitExceededException exceeded = chat.collected.takeOverflow();
        if (exceeded == null) {
            return true;
        }
        clear();
        try {
            chat.handleError(exceeded);
        } finally {
            if (!chat.isClosed()) {
                chat.close(); // the bound holds even if handleError keeps the channel
            }
        }
        return false;
    }

    /** Python's {@code ac_in_buffer = ac_in_buffer[k:]}, on whatever buffer is current now. */
    private void consume(int k) {
        inStart = (int) Math.min((long) inStart + k, inEnd);
        if (inStart == inEnd) {
            clear();
        }
    }

    /** Python's {@code find_prefix_at_end} over haystack[from, to). */
    static int findPrefixAtEnd(byte[] haystack, int from, int to, byte[] needle) {
        int l = needle.length - 1;
        while (l > 0 && !endsWith(haystack, from, to, needle, l)) {
            l--;
        }
        return Math.max(l, 0);
    }

    private static boolean endsWith(byte[] haystack, int from, int to, byte[] needle, int length) {
        if (to - from < length) {
            return false;
        }
        return Arrays.equals(haystack, to - length, to, needle, 0, length);
    }

    /** Index of {@code needle} in haystack[from, to), relative to {@code from}, or -1. */
    private static int indexOf(byte[] haystack, int from, int to, byte[] needle) {
        int n = needle.length;
        byte first = needle[0];
        for (int i = from, last = to - n; i <= last; i++) {
            if (haystack[i] == first && Arrays.equals(haystack, i + 1, i + n, needle, 1, n)) {
                return i - from;
            }
        }
        return -1;
    }
}
