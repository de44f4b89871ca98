package io.asyncore.examples.chat;

import io.asyncore.OutputFlow;
import io.asyncore.TimeoutKind;
import io.asyncore.chat.AsyncChat;
import io.asyncore.chat.InputLimitExceededException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * One client of a {@link ChatRoomServer}: an {@link AsyncChat} that collects a line up to
 * {@code \n} and hands it to the room.
 *
 * <p>It collects by itself and applies the room's line limit as it goes, so it never
 * holds more than one line plus one read. Its output has the suggested watermarks: a
 * client that stops reading becomes unwritable once more than
 * {@link OutputFlow#SUGGESTED_HIGH_WATERMARK} bytes wait for it, and the room drops it at
 * the next line instead of queueing more. A client that neither speaks nor reads for
 * {@link ChatRoomServer#IDLE_TIMEOUT} is closed.
 */
public class ChatSession extends AsyncChat {

    private static final byte[] NEWLINE = {'\n'};

    private final ChatRoomServer room;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    /**
     * A session on an accepted connection, in the map being served (the room's).
     *
     * @param channel the accepted connection
     * @param room the room it belongs to
     */
    ChatSession(SocketChannel channel, ChatRoomServer room) {
        super(channel);
        this.room = room;
        setTerminator(NEWLINE);
        setWatermarks(OutputFlow.SUGGESTED_LOW_WATERMARK, OutputFlow.SUGGESTED_HIGH_WATERMARK);
        timeouts().setIdle(TimeoutKind.ALL_IDLE, room.clientIdleTimeout());
    }

    @Override
    protected void collectIncomingData(byte[] data) throws IOException {
        line.write(data, 0, data.length);
        // +1: a line may end with \r\n, and its \r arrives as data
        if (line.size() > ChatRoomServer.MAX_LINE_BYTES + 1) {
            throw tooLong(line.size());
        }
    }

    @Override
    protected void foundTerminator() throws IOException {
        byte[] text = line.toByteArray();
        line.reset();
        int n = text.length;
        if (n > 0 && text[n - 1] == '\r') {
            n--;
        }
        if (n > ChatRoomServer.MAX_LINE_BYTES) {
            throw tooLong(n);
        }
        byte[] message = n == text.length ? text : Arrays.copyOf(text, n);
        room.relay(this, message);
    }

    private static InputLimitExceededException tooLong(int bytes) {
        return new InputLimitExceededException("MAX_LINE_BYTES", ChatRoomServer.MAX_LINE_BYTES, bytes, "line end \\n");
    }

    /**
     * Queues one line for this client, or drops the client if it stopped reading: its
     * output went above the high watermark and has not drained since.
     *
     * @param line the line with its {@code \n}
     * @throws IOException if writing fails
     */
    void deliver(byte[] line) throws IOException {
        if (!isWritable()) {
            log("dropping " + address() + ": " + pendingOutputBytes() + " bytes unread");
            close();
            return;
        }
        push(line);
    }

    /** A line over the limit is the client's fault, not the server's: log one line, close. */
    @Override
    public void handleError(Throwable error) {
        if (error instanceof InputLimitExceededException tooLong) {
            logInfo("dropping " + address() + ": " + tooLong.getMessage());
            close();
        } else {
            super.handleError(error);
        }
    }

    /** Leaves the room as the connection closes. */
    @Override
    public void close() {
        super.close();
        if (room != null) { // null only if the constructor failed
            room.left(this);
        }
    }
}
