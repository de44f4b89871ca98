package io.asyncore.examples.chat;

import io.asyncore.chat.AsyncChat;
import io.asyncore.chat.InputLimitExceededException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * One client of a {@link ChatRoomServer}: an {@link AsyncChat} that collects a line up to
 * {@code \n} and hands it to the room.
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
        // asynchat's bound doubles as the line-length limit; +1 for a trailing \r
        setMaxInputBytes(ChatRoomServer.MAX_LINE_BYTES + 1);
    }

    @Override
    protected void collectIncomingData(byte[] data) {
        line.write(data, 0, data.length);
    }

    @Override
    protected void foundTerminator() throws IOException {
        byte[] text = line.toByteArray();
        line.reset();
        int n = text.length;
        if (n > 0 && text[n - 1] == '\r') {
            n--;
        }
        byte[] message = n == text.length ? text : Arrays.copyOf(text, n);
        room.relay(this, message);
    }

    /**
     * Queues one line for this client, or drops the client if too many wait already.
     *
     * @param line the line with its {@code \n}
     * @throws IOException if writing fails
     */
    void deliver(byte[] line) throws IOException {
        if (pendingOutputEntries() >= ChatRoomServer.MAX_QUEUED_LINES) {
            logInfo("dropping " + address() + ": " + pendingOutputEntries() + " lines unread");
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
