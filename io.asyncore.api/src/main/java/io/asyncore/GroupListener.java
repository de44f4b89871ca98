package io.asyncore;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * A listening dispatcher that an {@link EventLoopGroup} makes for
 * {@link EventLoopGroup#listen}: accepts as the default {@code handleAccept} does and
 * passes each connection on (to the group's hand-off, or to the factory on its own loop).
 */
final class GroupListener extends Dispatcher {

    private final Consumer<SocketChannel> onAccepted;

    GroupListener(ChannelMap map, SocketAddress address, int backlog, boolean reusePort,
            Consumer<SocketChannel> onAccepted) throws IOException {
        super(map);
        this.onAccepted = onAccepted;
        createSocket(AddressFamily.of(address));
        try {
            setReuseAddr();
            if (reusePort) {
                ((NetworkChannel) channel()).setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            bind(address);
            listen(backlog);
        } catch (IOException | RuntimeException e) {
            close(); // leave no half-made listener in the map
            throw e;
        }
        addChannel(); // complete (the class is final): joins also when made off the loop thread
    }

    @Override
    protected void handleAccepted(SocketChannel channel, SocketAddress address) {
        onAccepted.accept(channel);
    }

    @Override
    public boolean writable() {
        return false;
    }

    @Override
    public void handleClose() {
        close();
    }
}
