package io.asyncore.chat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat's default collection: Python's {@code incoming} list behind
 * {@link AsyncChat#bufferIncomingData(byte[])} and {@link AsyncChat#getData()}, bounded
 * by {@link AsyncChat#getMaxInputBytes()}. A piece past the bound drops everything kept
 * and leaves an {@link InputLimitExceededException} for the {@link InputSplitter} to
 * report once {@code collectIncomingData} returns. Loop thread only.
 */
final class DefaultCollection {

    private final AsyncChat chat;
    private final List<byte[]> pieces = new ArrayList<>();
    private long bytes;
    private long max = AsyncChat.DEFAULT_MAX_INPUT_BYTES;
    private InputLimitExceededException overflow;

    DefaultCollection(AsyncChat chat) {
        this.chat = chat;
    }

    /** Keeps {@code data} as it is, or, past the bound, drops everything and notes the overflow. */
    void add(byte[] data) {
        if (data.length > max - bytes) {
            overflow = new InputLimitExceededException("maxInputBytes", max, bytes + data.length,
                    "terminator " + chat.getTerminator());
            clear();
            return;
        }
        pieces.add(data);
        bytes += data.length;
    }

    /** Everything kept, joined, and forgets it. */
    byte[] take() {
        bytes = 0;
        if (pieces.size() == 1) {
            byte[] only = pieces.get(0);
            pieces.clear();
            return only;
        }
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] piece : pieces) {
            joined.write(piece, 0, piece.length);
        }
        pieces.clear();
        return joined.toByteArray();
    }

    /** The bytes kept now. */
    long bytes() {
        return bytes;
    }

    long max() {
        return max;
    }

    void max(long max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxInputBytes must be at least 1, got " + max);
        }
        this.max = max;
    }

    void clear() {
        pieces.clear();
        bytes = 0;
    }

    /** The overflow {@link #add} noted, once; null when there was none. */
    InputLimitExceededException takeOverflow() {
        InputLimitExceededException exceeded = overflow;
        overflow = null;
        return exceeded;
    }
}
