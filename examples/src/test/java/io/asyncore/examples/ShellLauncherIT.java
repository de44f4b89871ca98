package io.asyncore.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runnable launcher with a shell ({@code java -jar target/echo-osgi-shell.jar}): Apache
 * Felix, the Gogo shell on standard input, api, impl and the echo bundle. Gogo commands
 * typed at the prompt run, the asyncore ones among them, and the end of input stops the
 * framework. Echo clients served meanwhile print nothing on that console.
 */
class ShellLauncherIT {

    @Test
    void gogoRunsTheAsyncoreCommandsAndLb() throws Exception {
        String launcher = ChildJvm.requiredFile("examples.shell.launcher").toString();
        try (ChildJvm felix = ChildJvm.start("-Dasyncore.echo.host=127.0.0.1", "-Dasyncore.echo.port=0",
                "-jar", launcher)) {
            String listening = felix.awaitLine(l -> l.contains("echo server listening on "), 60);
            felix.awaitLine(l -> l.contains("Welcome to Apache Felix Gogo"), 60);
            int port = Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1).trim());
            List<Integer> clientPorts = echoThreeClients(port);

            felix.type("asyncore:loops");
            String loop = felix.awaitLine(l -> l.startsWith("asyncore-default"), 30);
            assertTrue(loop.contains("io.asyncore.impl") && loop.endsWith("running"), loop);

            felix.type("asyncore:channels");
            // the command's row, not the loop's INFO line about adopting the same dispatcher
            String listener = felix.awaitLine(l -> l.contains("EchoServer listening") && !l.startsWith("INFO:"), 30);
            assertTrue(listener.contains("io.asyncore.examples") && listener.contains("accepting"), listener);

            felix.type("lb");
            String impl = felix.awaitLine(l -> l.contains("asyncore engine"), 30);
            assertTrue(impl.contains("Active"), impl);

            felix.endInput();
            felix.awaitLine(l -> l.contains("stopping shell and framework"), 30);
            felix.awaitExit(30);
            // the bundle logs each connection at DEBUG, off a console that is a shell prompt
            for (String line : felix.output().lines().toList()) {
                assertTrue(!line.contains("Incoming connection")
                        && clientPorts.stream().noneMatch(p -> line.contains(":" + p)), line);
            }
        }
    }

    /** Three clients, one after the other, each echoed; returns their local ports. */
    private static List<Integer> echoThreeClients(int port) throws IOException {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                client.setSoTimeout(10_000);
                byte[] sent = ("echo " + i + "\n").getBytes(StandardCharsets.US_ASCII);
                client.getOutputStream().write(sent);
                InputStream in = client.getInputStream();
                assertArrayEquals(sent, in.readNBytes(sent.length));
                ports.add(client.getLocalPort());
            }
        }
        return ports;
    }

    /**
     * target/felix, the Felix distribution made of Maven Central artifacts: bin/felix.jar
     * starts the bundles of bundle/, File Install turns load/io.asyncore.loop-example.cfg
     * into a configured loop, and the Gogo shell lists both loops.
     */
    @Test
    void theFelixDistributionRunsTheDefaultAndTheConfiguredLoop() throws Exception {
        java.nio.file.Path felixHome = ChildJvm.requiredFile("examples.felix");
        try (ChildJvm felix = ChildJvm.startIn(felixHome, "-jar", "bin/felix.jar")) {
            felix.awaitLine(l -> l.contains("Welcome to Apache Felix Gogo"), 60);
            // File Install applies load/ shortly after start: ask until the loop is listed
            boolean listed = false;
            for (int attempt = 0; attempt < 100 && !listed; attempt++) {
                felix.type("asyncore:loops");
                Thread.sleep(100);
                listed = felix.output().lines().anyMatch(l -> l.startsWith("example ") && l.endsWith("running"));
            }
            assertTrue(listed, felix.output());
            assertTrue(felix.output().lines().anyMatch(l -> l.startsWith("asyncore-default") && l.endsWith("running")),
                    felix.output());
            felix.endInput();
            felix.awaitExit(30);
        } finally {
            deleteTree(felixHome.resolve("felix-cache"));
        }
    }

    private static void deleteTree(java.nio.file.Path dir) throws java.io.IOException {
        if (java.nio.file.Files.exists(dir)) {
            try (var paths = java.nio.file.Files.walk(dir)) {
                for (java.nio.file.Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.delete(p);
                }
            }
        }
    }
}
