package io.asyncore.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * The echo bundle's life cycle in a real Apache Felix, in this JVM: the packaged api,
 * impl and examples bundles installed from target/modules. Starting the echo bundle
 * registers a listening EchoServer that the impl's whiteboard adopts; stopping it closes
 * the listener and every connection it accepted; starting it again serves again.
 */
class FelixEchoBundleIT {

    private static final String DISPATCHER = "io.asyncore.Dispatcher";

    @TempDir
    Path storage;

    private Framework felix;
    private Bundle echo;
    private Bundle impl;

    @BeforeEach
    void startFelix() throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put("org.osgi.framework.storage", storage.toString());
        config.put("org.osgi.framework.storage.clean", "onFirstInit");
        config.put("asyncore.echo.host", "127.0.0.1");
        config.put("asyncore.echo.port", "0"); // the service property tells the port
        felix = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the test class path"))
                .newFramework(config);
        felix.start();
        BundleContext context = felix.getBundleContext();
        Path modules = ChildJvm.requiredFile("examples.modules");
        Bundle api = context.installBundle(modules.resolve("io.asyncore.api.jar").toUri().toString());
        impl = context.installBundle(modules.resolve("io.asyncore.impl.jar").toUri().toString());
        echo = context.installBundle(examplesJar(modules).toUri().toString());
        api.start();
        impl.start();
        echo.start();
    }

    @AfterEach
    void stopFelix() throws Exception {
        if (felix != null) {
            felix.stop();
            assertEquals(FrameworkEvent.STOPPED, felix.waitForStop(30_000).getType(),
                    "Felix must stop within 30 s");
        }
    }

    @Test
    void stoppingTheBundleClosesTheServerAndItsConnectionsAndStartingItServesAgain() throws Exception {
        InetSocketAddress first = echoAddress();
        byte[] payload = new byte[128 * 1024];
        new Random(5).nextBytes(payload);
        try (Socket open = EchoServerTest.connect(first)) {
            assertArrayEquals(payload, EchoServerTest.exchange(open, payload));

            echo.stop();

            // The connection accepted by the server closes with the service ...
            assertEquals(-1, readOrEndOfStream(open), "an accepted connection must close with the bundle");
        }
        // ... and so does the listening socket.
        assertRefusesConnections(first);
        assertEquals(0, services().length, "no Dispatcher service is left");

        echo.start();
        InetSocketAddress second = echoAddress();
        assertArrayEquals(payload, EchoServerTest.exchange(second, payload), "served again after a restart");
    }

    @Test
    void aRestartedEngineAdoptsTheStillRegisteredServerAgain() throws Exception {
        InetSocketAddress address = echoAddress();
        impl.stop(); // the loop ends; the echo bundle's service, and its listening socket, stay
        impl.start();
        byte[] payload = "adopted again\n".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(payload, EchoServerTest.exchange(address, payload));
        assertEquals(address, echoAddress(), "the same server, on the same port");
    }

    private ServiceReference<?>[] services() throws Exception {
        // All, not only those class-compatible with the system bundle: this JVM's class path
        // holds its own io.asyncore.Dispatcher, which is not the api bundle's.
        ServiceReference<?>[] refs = felix.getBundleContext().getAllServiceReferences(DISPATCHER, null);
        return refs == null ? new ServiceReference<?>[0] : refs;
    }

    /** The address the echo bundle's Dispatcher service reports (it binds port 0 here). */
    private InetSocketAddress echoAddress() throws Exception {
        ServiceReference<?>[] refs = services();
        assertEquals(1, refs.length, "one Dispatcher service: the echo server");
        assertEquals(echo.getBundleId(), refs[0].getBundle().getBundleId());
        Object address = refs[0].getProperty("asyncore.echo.address");
        assertNotNull(address, "service property asyncore.echo.address");
        String text = address.toString();
        int port = Integer.parseInt(text.substring(text.lastIndexOf(':') + 1));
        assertNotEquals(0, port);
        return new InetSocketAddress("127.0.0.1", port);
    }

    /**
     * Waits (bounded) until {@code address} refuses connections. The JDK closes the file
     * descriptor of a channel registered with a selector only at that selector's next
     * select, which the loop reaches right after the task that closed it: a connect in
     * between still lands in the old backlog.
     */
    private static void assertRefusesConnections(InetSocketAddress address) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(address, 5_000);
            } catch (ConnectException refused) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(address + " still accepts connections 10 s after the bundle stopped");
            }
            Thread.sleep(10);
        }
    }

    private static int readOrEndOfStream(Socket socket) throws IOException {
        socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(30));
        try {
            return socket.getInputStream().read();
        } catch (SocketException reset) {
            return -1; // a reset is a close too
        }
    }

    private static Path examplesJar(Path modules) throws IOException {
        try (Stream<Path> files = Files.list(modules)) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().startsWith("io.asyncore.examples"))
                    .collect(Collectors.toList());
            assertEquals(1, jars.size(), "one examples jar in " + modules + ": " + jars);
            return jars.get(0);
        }
    }
}
