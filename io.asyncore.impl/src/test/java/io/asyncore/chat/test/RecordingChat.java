package io.asyncore.chat.test;

import io.asyncore.ChannelMap;
import io.asyncore.chat.AsyncChat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An {@link AsyncChat} that records what it sees: every piece given to
 * {@code collectIncomingData}, every message, errors, bytes read, and the most input it
 * ever held. With {@link #script(byte[]...)} its reads return scripted chunks instead of
 * reading the socket (the channel stays real), for exact control over read boundaries.
 */
class RecordingChat extends AsyncChat {

    final List<byte[]> pieces = new ArrayList<>();
    final List<byte[]> messages = new ArrayList<>();
    final List<Throwable> errors = new ArrayList<>();
    ByteArrayOutputStream current = new ByteArrayOutputStream();
    long bytesRead;
    long maxPending;
    long maxHeldBySubclass;
    int closes;
    /**
     * When set, collected bytes go to the default collection ({@code bufferIncomingData},
     * {@code getData}), which {@code maxInputBytes} bounds, instead of this chat's own.
     */
    boolean defaultCollection;
    /** Called at each terminator, after the message was recorded: may change the terminator. */
    Consumer<RecordingChat> onTerminator = c -> { };

    private ArrayDeque<byte[]> script;

    RecordingChat(SocketChannel channel, ChannelMap map) {
        super(channel, map);
    }

    /** From now on each read returns the next of {@code chunks}, then nothing. */
    RecordingChat script(byte[]... chunks) {
        script = new ArrayDeque<>(List.of(chunks));
        return this;
    }

    /** Runs {@code handleRead} once per scripted chunk. */
    void feed(byte[]... chunks) throws IOException {
        script(chunks);
        for (int i = 0; i < chunks.length; i++) {
            handleRead();
        }
    }

    /** {@code handleRead} for tests in this package. */
    void readNow() throws IOException {
        handleRead();
    }

    void inBufferSize(int size) {
        acInBufferSize = size;
    }

    void outBufferSize(int size) {
        acOutBufferSize = size;
    }

    @Override
    public int recv(ByteBuffer buffer) throws IOException {
        int n;
        if (script != null) {
            byte[] next = script.poll();
            if (next == null) {
                return 0;
            }
            if (next.length > buffer.remaining()) {
                throw new AssertionError("scripted chunk of " + next.length + " bytes exceeds the read size " + buffer.remaining());
            }
            buffer.put(next);
            n = next.length;
        } else {
            n = super.recv(buffer);
        }
        if (n > 0) {
            bytesRead += n;
        }
        maxPending = Math.max(maxPending, pendingInputBytes() + Math.max(n, 0));
        return n;
    }

    @Override
    protected void collectIncomingData(byte[] data) {
        pieces.add(data);
        if (defaultCollection) {
            bufferIncomingData(data);
        } else {
            current.write(data, 0, data.length);
        }
        maxHeldBySubclass = Math.max(maxHeldBySubclass, current.size());
        maxPending = Math.max(maxPending, pendingInputBytes());
    }

    @Override
    protected void foundTerminator() {
        messages.add(defaultCollection ? getData() : current.toByteArray());
        current = new ByteArrayOutputStream();
        onTerminator.accept(this);
    }

    @Override
    public void handleError(Throwable error) {
        errors.add(error);
        super.handleError(error);
    }

    @Override
    public void handleClose() {
        closes++;
        super.handleClose();
    }
}
