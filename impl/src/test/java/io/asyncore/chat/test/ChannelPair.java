package io.asyncore.chat.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A connected pair of TCP sockets on 127.0.0.1: {@link #chat} for the dispatcher under
 * test, {@link #peer} (blocking) for the test to write and read.
 */
final class ChannelPair implements AutoCloseable {

    final SocketChannel chat;
    final SocketChannel peer;

    private ChannelPair(SocketChannel chat, SocketChannel peer) {
        this.chat = chat;
        this.peer = peer;
    }

    static ChannelPair open() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            SocketChannel peer = SocketChannel.open(listener.getLocalAddress());
            try {
                SocketChannel chat = listener.accept();
                return new ChannelPair(chat, peer);
            } catch (IOException | RuntimeException e) {
                peer.close();
                throw e;
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            peer.close();
        } finally {
            chat.close();
        }
    }
}
