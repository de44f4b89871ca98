package io.asyncore.itests.echo;

import io.asyncore.DispatcherWithSend;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/** One accepted connection: sends back what it reads. */
public final class EchoHandler extends DispatcherWithSend {

    /**
     * Wraps an accepted connection.
     *
     * @param channel the connection
     */
    public EchoHandler(SocketChannel channel) {
        super(channel);
    }

    @Override
    protected void handleRead() throws IOException {
        byte[] data = recv(8192);
        if (data.length > 0) {
            send(data);
        }
    }

    @Override
    public void handleClose() {
        close();
    }
}
