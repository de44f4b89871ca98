package io.asyncore.tls.test;

import io.asyncore.AddressFamily;
import io.asyncore.ChannelMap;
import io.asyncore.chat.AsyncChat;
import io.asyncore.tls.HandshakeListener;
import io.asyncore.tls.TlsConfig;
import io.asyncore.tls.TlsLayer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Our TLS client for the tests: an {@link AsyncChat} that connects to 127.0.0.1, sends a
 * line once connected (queued until the handshake is done) and collects the lines it gets.
 */
final class LineClient extends AsyncChat implements HandshakeListener {

    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    volatile boolean handshook;
    volatile boolean closed;
    private final StringBuilder line = new StringBuilder();
    private final String hello;

    /** Must be made on the loop thread of {@code map}. */
    LineClient(ChannelMap map, TlsConfig config, String host, int port, String hello) throws IOException {
        super(map);
        this.hello = hello;
        setTerminator("\n".getBytes(StandardCharsets.US_ASCII));
        createSocket(AddressFamily.INET);
        TlsLayer.client(this, config, host, port);
        connect(new InetSocketAddress("127.0.0.1", port));
    }

    @Override
    protected void handleConnect() throws IOException {
        push(hello.getBytes(StandardCharsets.UTF_8)); // queued while the handshake runs
    }

    @Override
    public void handleHandshake(TlsLayer tls) {
        handshook = true;
    }

    @Override
    protected void collectIncomingData(byte[] data) {
        line.append(new String(data, StandardCharsets.UTF_8));
    }

    @Override
    protected void foundTerminator() {
        lines.add(line.toString().strip());
        line.setLength(0);
    }

    @Override
    public void handleClose() {
        closed = true;
        close();
    }

    @Override
    public void handleError(Throwable error) {
        errors.add(error);
        closed = true;
        close();
    }
}
