package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.DispatcherWithSend;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.NoLeaks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A mebibyte through an echo server and back, in one map. */
@ExtendWith(NoLeaks.class)
class EchoSmokeTest {

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
        Echo.Server server = new Echo.Server(map);
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
