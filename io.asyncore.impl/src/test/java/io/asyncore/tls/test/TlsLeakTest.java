package io.asyncore.tls.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.EventLoop;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.Descriptors;
import io.asyncore.tls.TlsConfig;
import io.asyncore.tls.TlsLayer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Closing leaves nothing behind: connections that linger for their closing exchange are
 * closed with the loop, and every socket descriptor is released.
 */
class TlsLeakTest {

    @Test
    void closingTheLoopWhileConnectionsLingerReleasesEverySocket() throws Exception {
        TlsConfig server = Certs.server().build();
        TlsConfig client = Certs.client().build();
        Descriptors.warmUp(); // the JDK keeps one socket for good once NIO is used: make it first
        long before = Descriptors.socketCount();
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
        Await.until("socket descriptors released", Duration.ofSeconds(5), () -> Descriptors.socketCount() <= before);
        assertEquals(before, Descriptors.socketCount(), "socket descriptors left open");
        assertTrue(clients.stream().allMatch(c -> c.isClosed() && !c.channel().isOpen()));
        assertTrue(TlsLayer.of(clients.get(15)) != null);
    }
}
