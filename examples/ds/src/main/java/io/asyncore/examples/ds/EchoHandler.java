package io.asyncore.examples.ds;

import io.asyncore.DispatcherWithSend;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/** One accepted connection of the {@link EchoComponent}: sends back what it reads. */
final class EchoHandler extends DispatcherWithSend {

    EchoHandler(SocketChannel sock) {
        super(sock); // no map: joins the map of the loop thread that runs handleAccepted
    }

    @Override
    protected void handleRead() throws IOException {
        byte[] data = recv(8192);
        if (data.length > 0) {
            send(data);
        }
    }
}
