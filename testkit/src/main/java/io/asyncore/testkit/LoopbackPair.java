package io.asyncore.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A connected pair of TCP sockets on loopback, both blocking: {@link #near()} for the
 * dispatcher under test, {@link #far()} for the test to write and read. Closing closes both.
 */
public final class LoopbackPair implements AutoCloseable {

    private final SocketChannel near;
    private final SocketChannel far;

    private LoopbackPair(SocketChannel near, SocketChannel far) {
        this.near = near;
        this.far = far;
    }

    /**
     * Connects a pair through a listener that is closed again at once.
     *
     * @return the pair
     * @throws IOException if loopback cannot connect
     */
    public static LoopbackPair open() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            SocketChannel far = SocketChannel.open(listener.getLocalAddress());
            try {
                return new LoopbackPair(listener.accept(), far);
            } catch (IOException | RuntimeException e) {
                far.close();
                throw e;
            }
        }
    }

    /**
     * The accepted end, for the dispatcher under test.
     *
     * @return the channel
     */
    public SocketChannel near() {
        return near;
    }

    /**
     * The connecting end, for the test.
     *
     * @return the channel
     */
    public SocketChannel far() {
        return far;
    }

    @Override
    public void close() throws IOException {
        try {
            far.close();
        } finally {
            near.close();
        }
    }
}
