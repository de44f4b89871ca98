package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.DispatcherWithSend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A mebibyte through an echo server and back, in one map. */
@ExtendWith(NoLeaks.class)
class EchoSmokeTest {

    static final class Handler extends DispatcherWithSend {
        Handler(SocketChannel c, ChannelMap m) { super(c, m); }
        @Override protected void handleRead() throws IOException {
            byte[] data = recv(8192);
            if (data.length > 0) send(data);
        }
    }

    static final class Server extends Dispatcher {
        Server(ChannelMap m) throws IOException {
            super(m);
            createSocket(AddressFamily.INET);
            setReuseAddr();
            bind(new InetSocketAddress("127.0.0.1", 0));
            listen(5);
        }
        @Override protected void handleAccepted(SocketChannel c, SocketAddress a) {
            new Handler(c, map());
        }
    }

    static final class Client extends DispatcherWithSend {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final int expected;
        Client(ChannelMap m, SocketAddress to, byte[] payload) throws IOException {
            super(m);
            expected = payload.length;
            createSocket(AddressFamily.INET);
            connect(to);
            send(payload);
        }
        @Override protected void handleConnect() {}
        @Override protected void handleRead() throws IOException {
            byte[] data = recv(65536);
            got.write(data);
            if (got.size() >= expected) throw new io.asyncore.ExitNow("done");
        }
    }

    @Test
    void echoesOneMebibyte() throws Exception {
        ChannelMap map = new ChannelMap();
        Server server = new Server(map);
        byte[] payload = new byte[1 << 20];
        new Random(1).nextBytes(payload);
        Client client = new Client(map, server.localAddress(), payload);
        try {
            Asyncore.loop(Duration.ofMillis(100), false, map, 10_000);
        } catch (io.asyncore.ExitNow done) {
            // all bytes are back
        } finally {
            Asyncore.closeAll(map, true);
        }
        assertArrayEquals(payload, client.got.toByteArray());
    }
}
