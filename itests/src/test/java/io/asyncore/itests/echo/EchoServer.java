package io.asyncore.itests.echo;

import io.asyncore.AddressFamily;
import io.asyncore.Dispatcher;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;

/**
 * A listening echo server, registered as a whiteboard Dispatcher service by
 * {@link EchoActivator}. Bound to 127.0.0.1 on a port the system chooses; its accepted
 * connections are made inside {@link #handleAccepted}, so they belong to its registration.
 */
public final class EchoServer extends Dispatcher {

    /**
     * Creates, binds and listens; joins no loop until the whiteboard adopts it.
     *
     * @throws IOException if the socket cannot be had
     */
    public EchoServer() throws IOException {
        createSocket(AddressFamily.INET);
        setReuseAddr();
        bind(new InetSocketAddress("127.0.0.1", 0));
        listen(16);
    }

    /**
     * The port the system chose.
     *
     * @return the local port
     * @throws IOException if the socket is closed
     */
    public int port() throws IOException {
        return ((InetSocketAddress) localAddress()).getPort();
    }

    @Override
    protected void handleAccepted(SocketChannel channel, SocketAddress address) {
        new EchoHandler(channel); // no map: it joins the map serving this listener
    }
}
