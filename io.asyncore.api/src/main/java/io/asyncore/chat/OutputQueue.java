package io.asyncore.chat;

import io.asyncore.LimitExceededException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A chat's output side: Python's {@code producer_fifo} and {@code initiate_send}, with
 * the bytes counted into the chat's {@link io.asyncore.OutputFlow}. Loop thread only.
 */
final class OutputQueue {

    /** Marks Python's {@code None} entry of {@code producer_fifo}: close when reached. */
    private static final Object CLOSE = new Object() {
        @Override
        public String toString() {
            return "closeWhenDone";
        }
    };

    private final PushDispatcher chat;
    // Python's producer_fifo: ByteBuffer (data to write), Producer, or CLOSE.
    private final ArrayDeque<Object> fifo = new ArrayDeque<>();

    OutputQueue(PushDispatcher chat) {
        this.chat = chat;
    }

    boolean isEmpty() {
        return fifo.isEmpty();
    }

    int size() {
        return fifo.size();
    }

    void clear() {
        fifo.clear();
    }

    /**
     * Queues {@code data}, in slices of at most {@code slice} bytes; answers false, queuing
     * nothing, when the chat is closed or the output bound closed it now.
     */
    boolean add(ByteBuffer data, int slice) {
        if (chat.isClosed() || !count(data.remaining()) || chat.isClosed()) {
            return false; // closed, or closed now by the bound or by handleWritabilityChanged
        }
        int length = data.remaining();
        if (length > slice) {
            for (int i = 0; i < length; i += slice) {
                fifo.addLast(data.slice(data.position() + i, Math.min(slice, length - i)));
            }
        } else {
            fifo.addLast(data); // the chat's now: its position may move as it is sent
        }
        return true;
    }

    void addProducer(Producer producer) {
        fifo.addLast(producer);
    }

    void addClose() {
        fifo.addLast(CLOSE);
    }

    /** Python's {@code initiate_send}; see {@link AsyncChat#initiateSend()}. */
    void sendSome() throws IOException {
        while (!fifo.isEmpty() && chat.connectedNow()) {
            Object first = fifo.peekFirst();
            if (first == CLOSE) {
                fifo.removeFirst();
                chat.handleClose();
                return;
            }
            if (first instanceof Producer producer) {
                byte[] data = producer.more();
                if (data != null && data.length > 0) {
                    if (!count(data.length)) {
                        return;
                    }
                    fifo.addFirst(ByteBuffer.wrap(data));
                } else {
                    fifo.remove(producer);
                }
                continue;
            }
            ByteBuffer buffer = (ByteBuffer) first;
            if (!buffer.hasRemaining()) {
                // Python deletes the empty entry, "sends" b'' and returns
                fifo.removeFirst();
                chat.drainedAfterHalfClose();
                return;
            }
            int obs = chat.acOutBufferSize;
            if (obs <= 0) {
                throw new IllegalStateException("acOutBufferSize must be positive, got " + obs);
            }
            int limit = buffer.limit();
            buffer.limit(buffer.position() + Math.min(obs, buffer.remaining()));
            int sent;
            try {
                sent = chat.send(buffer);
            } catch (IOException e) {
                chat.handleError(e);
                return;
            } finally {
                buffer.limit(limit);
            }
            if (chat.isClosed()) {
                return; // a disconnect: close() already let the queue go
            }
            chat.outputFlow().remove(sent);
            if (!buffer.hasRemaining() && fifo.peekFirst() == buffer) {
                fifo.removeFirst();
                chat.drainedAfterHalfClose();
            }
            // we tried to send some actual data
            return;
        }
    }

    /** Counts bytes joining the queue; past the output bound reports it, closes, answers false. */
    private boolean count(long bytes) {
        try {
            chat.outputFlow().add(bytes);
            return true;
        } catch (LimitExceededException e) {
            chat.outputFlow().report(e);
            return false;
        }
    }
}
