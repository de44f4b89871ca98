package io.asyncore.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The runnable launcher ({@code java -jar target/echo-osgi.jar}): Apache Felix with
 * io.asyncore.api, io.asyncore.impl and the echo bundle. The echo bundle only registers
 * its listening EchoServer as a Dispatcher service, so an echo proves that the impl's
 * whiteboard adopted it into the framework's event loop, and that the EchoHandlers made in
 * handleAccepted joined that loop.
 */
class LauncherIT {

    private static final String LISTENING = "echo server listening on ";

    @Test
    void felixLauncherServesEchoOnTheConfiguredPort() throws Exception {
        String launcher = ChildJvm.requiredFile("examples.launcher").toString();
        // Port 0 through the framework property: the activator logs the port it got.
        try (ChildJvm felix = ChildJvm.start("-Dasyncore.echo.host=127.0.0.1", "-Dasyncore.echo.port=0",
                "-jar", launcher)) {
            String line = felix.awaitLine(l -> l.contains(LISTENING), 60);
            int port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
            assertFalse(port == 0 || port == EchoServer.DEFAULT_PORT, "the property must override port 8080: " + line);
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);

            // Three clients at once, all served by the one loop thread of the impl bundle.
            List<Socket> sockets = new ArrayList<>();
            ExecutorService clients = Executors.newFixedThreadPool(3);
            try {
                List<Future<byte[]>> echoes = new ArrayList<>();
                List<byte[]> payloads = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    byte[] payload = new byte[256 * 1024];
                    new Random(100 + i).nextBytes(payload);
                    payloads.add(payload);
                    Socket socket = EchoServerTest.connect(address);
                    sockets.add(socket);
                    echoes.add(clients.submit(() -> EchoServerTest.exchange(socket, payload)));
                }
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(payloads.get(i), echoes.get(i).get(60, TimeUnit.SECONDS),
                            "client " + i + "; launcher output:\n" + felix.output());
                }
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
                clients.shutdownNow();
                clients.awaitTermination(30, TimeUnit.SECONDS);
            }
            // per-connection lines stay off the console, where a shell prompt may be
            assertTrue(felix.output().lines().noneMatch(l -> l.contains("Incoming connection from")),
                    felix.output());
        }
    }
}
