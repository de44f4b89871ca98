package io.asyncore.tls.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.EventLoop;
import io.asyncore.tls.TlsConfig;
import io.asyncore.tls.TlsLayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Closing leaves nothing behind: connections that linger for their closing exchange are
 * closed with the loop, and every socket descriptor is released.
 */
class TlsLeakTest {

    private static long sockets() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException e) {
                    return false; // closed while listing
                }
            }).count();
        }
    }

    @Test
    void closingTheLoopWhileConnectionsLingerReleasesEverySocket() throws Exception {
        TlsConfig server = Certs.server().build();
        TlsConfig client = Certs.client().build();
        // The JDK keeps one socket for good once NIO closes a registered channel: make it first.
        try (java.nio.channels.Selector selector = java.nio.channels.Selector.open();
                java.nio.channels.SocketChannel warm = java.nio.channels.SocketChannel.open()) {
            warm.configureBlocking(false);
            warm.register(selector, java.nio.channels.SelectionKey.OP_READ);
            selector.selectNow();
        }
        long before = sockets();
        EventLoop loop = EventLoop.start("tls-leak");
        EchoServer echo = OnLoop.call(loop, () -> new EchoServer(loop.map(), server));
        List<LineClient> clients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            clients.add(OnLoop.call(loop, () -> new LineClient(loop.map(), client, "localhost", echo.port(), "c" + n + "\n")));
        }
        for (int i = 0; i < 20; i++) {
            assertEquals("c" + i, clients.get(i).lines.poll(Peer.WAIT_MS, TimeUnit.MILLISECONDS));
        }
        int lingering = OnLoop.call(loop, () -> {
            int before1 = loop.map().size();
            for (int i = 0; i < 10; i++) {
                clients.get(i).close(); // close_notify sent; each waits for the server's answer
            }
            return loop.map().size() - (before1 - 10);
        });
        assertTrue(lingering > 0, "closed TLS connections linger for the closing exchange");
        loop.close(); // closes the lingering ones too
        assertTrue(loop.map().isEmpty());
        long deadline = System.currentTimeMillis() + 5000;
        while (sockets() > before && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(before, sockets(), "socket descriptors left open");
        assertTrue(clients.stream().allMatch(c -> c.isClosed() && !c.channel().isOpen()));
        assertTrue(TlsLayer.of(clients.get(15)) != null);
    }
}
