package io.asyncore.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reference: a plain single-threaded JDK {@link Selector} echo server and nothing
 * else. One shared direct buffer for reads; a connection whose echo does not fit in the
 * socket keeps the rest in a direct buffer of its own and stops reading until it is
 * written.
 */
public final class JdkEchoServer implements EchoServer {

    private final Selector selector;
    private final ServerSocketChannel server;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Starts listening on an ephemeral port and serving on a new thread.
     *
     * @throws IOException if the socket cannot be opened
     */
    public JdkEchoServer() throws IOException {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", 0), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::run, "jdk-echo");
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                selector.select(this::onReady, 1000);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key);
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // ending anyway
            }
        }
    }

    private void onReady(SelectionKey key) {
        try {
            if (key.isAcceptable()) {
                accept();
            } else if (key.isReadable()) {
                read(key);
            } else if (key.isWritable()) {
                write(key);
            }
        } catch (IOException e) {
            closeQuietly(key);
        }
    }

    private void accept() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.register(selector, SelectionKey.OP_READ);
            connections.incrementAndGet();
        }
    }

    private void read(SelectionKey key) throws IOException {
        SocketChannel ch = (SocketChannel) key.channel();
        buffer.clear();
        int n = ch.read(buffer);
        if (n < 0) {
            closeQuietly(key);
            return;
        }
        buffer.flip();
        ch.write(buffer);
        if (buffer.hasRemaining()) {
            ByteBuffer pending = ByteBuffer.allocateDirect(buffer.remaining());
            pending.put(buffer).flip();
            key.attach(pending);
            key.interestOps(SelectionKey.OP_WRITE);
        }
    }

    private void write(SelectionKey key) throws IOException {
        ByteBuffer pending = (ByteBuffer) key.attachment();
        ((SocketChannel) key.channel()).write(pending);
        if (!pending.hasRemaining()) {
            key.attach(null);
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void closeQuietly(SelectionKey key) {
        try {
            key.channel().close();
        } catch (IOException ignored) {
            // the peer is gone
        }
        if (key.channel() instanceof SocketChannel) {
            connections.decrementAndGet();
        }
    }

    @Override
    public int port() {
        return server.socket().getLocalPort();
    }

    @Override
    public int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
