package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.NoLeaks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A thousand dispatchers in one map: 500 connected pairs, each echoing once. */
@ExtendWith(NoLeaks.class)
class ScaleTest {

    private static final int PAIRS = 500;

    private final ChannelMap map = new ChannelMap("scale");

    @AfterEach
    void tearDown() {
        Asyncore.closeAll(map, true);
    }

    /** Sends its own greeting once connected and waits for it to come back. */
    static final class Once extends Dispatcher {
        final byte[] greeting;
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        int sent;

        Once(ChannelMap map, SocketAddress server, int i) throws IOException {
            super(map);
            greeting = ("hello " + i).getBytes(StandardCharsets.US_ASCII);
            createSocket(AddressFamily.INET);
            connect(server);
        }

        boolean done() {
            return got.size() == greeting.length;
        }

        @Override public boolean writable() { return !isConnected() || sent < greeting.length; }
        @Override public boolean readable() { return !done(); }
        @Override protected void handleConnect() {}

        @Override
        protected void handleWrite() throws IOException {
            sent += send(java.util.Arrays.copyOfRange(greeting, sent, greeting.length));
        }

        @Override
        protected void handleRead() throws IOException {
            got.writeBytes(recv(64));
        }
    }

    @Test
    void fiveHundredPairsEchoOnce() throws IOException {
        Echo.Server server = new Echo.Server(map);
        List<Once> clients = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            clients.add(new Once(map, server.localAddress(), i));
        }
        Await.passesUntil(map, "all " + PAIRS + " echoed", () -> clients.stream().allMatch(Once::done));
        assertEquals(1 + 2 * PAIRS, map.size(), "listener, clients and their server sides");
        for (Once c : clients) {
            assertEquals(new String(c.greeting, StandardCharsets.US_ASCII), c.got.toString(StandardCharsets.US_ASCII));
        }
        assertEquals(List.of(), server.errors);
    }
}
