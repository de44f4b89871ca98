package io.asyncore.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stock echo server, run as users run it (module path, nothing logged before), with
 * 64 descriptors and 100 clients: it runs out of descriptors with the accept-pause
 * warning as its first log record, and must survive that, keep every connection it holds,
 * and accept again once clients leave.
 */
class EchoServerEmfileIT {

    private static final int CLIENTS = 100;

    @Test
    void theEchoServerSurvivesRunningOutOfDescriptors() throws Exception {
        List<SocketChannel> clients = new ArrayList<>();
        try (ChildJvm server = ChildJvm.startWithDescriptorLimit(64, "-p", ModulePathIT.modulePath(),
                "-m", "io.asyncore.examples/io.asyncore.examples.EchoServer", "127.0.0.1", "0")) {
            String listening = server.awaitLine(l -> l.startsWith("Echo server listening on "), 60);
            InetSocketAddress address = new InetSocketAddress("127.0.0.1",
                    Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1).trim()));
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(SocketChannel.open(address)); // the backlog (128) holds what is not accepted
            }
            server.awaitLine(l -> l.contains("not accepting for"), 30);
            Thread.sleep(1500); // more than one pause period
            assertTrue(server.isAlive(), "the server died:\n" + server.output());
            long accepted = server.output().lines().filter(l -> l.startsWith("Incoming connection from")).count();
            assertTrue(accepted > 10 && accepted < CLIENTS, "accepted before the shortage: " + accepted);
            for (SocketChannel c : clients.subList(0, (int) accepted)) {
                assertEquals(5, echo(c, 5), "a connection accepted before the shortage\n" + server.output());
            }
            for (SocketChannel c : clients.subList(0, 70)) {
                c.close();
            }
            for (SocketChannel c : clients.subList(70, CLIENTS)) {
                assertEquals(42, echo(c, 42), "a connection accepted after descriptors were freed");
            }
            assertTrue(server.isAlive(), server.output());
            assertTrue(server.output().lines().noneMatch(l -> l.contains("Exception") || l.contains("Error")),
                    server.output());
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
        }
    }

    private static int echo(SocketChannel c, int value) throws java.io.IOException {
        c.write(ByteBuffer.wrap(new byte[] {(byte) value}));
        c.socket().setSoTimeout(30_000);
        return c.socket().getInputStream().read();
    }
}
