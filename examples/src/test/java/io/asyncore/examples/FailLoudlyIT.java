package io.asyncore.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The examples, run as users run them in child JVMs, end with one line naming the cause
 * and a non-zero status when their port is taken or their peer refuses the connection;
 * the runnable Felix launcher ends too when its echo bundle cannot listen.
 */
class FailLoudlyIT {

    private static final String MODULE = "io.asyncore.examples";

    /** A port on 127.0.0.1 that refuses connections (bound, then closed). */
    static int refusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static List<String> runToEnd(String... javaArgs) throws Exception {
        try (ChildJvm child = ChildJvm.start(javaArgs)) {
            int status = child.awaitExit(60);
            assertNotEquals(0, status, child.output());
            return child.output().lines().collect(Collectors.toList());
        }
    }

    private static void assertOneLine(List<String> lines, String program, String... words) {
        assertEquals(1, lines.size(), String.join("\n", lines));
        String line = lines.get(0);
        assertTrue(line.startsWith(program + ": "), line);
        for (String word : words) {
            assertTrue(line.contains(word), line + " should name " + word);
        }
    }

    @Test
    void echoServerOnAPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String port = Integer.toString(taken.getLocalPort());
            assertOneLine(runToEnd("-p", ModulePathIT.modulePath(), "-m", MODULE + "/" + MODULE + ".EchoServer",
                    "127.0.0.1", port), "EchoServer", port, "in use");
        }
    }

    @Test
    void chatRoomServerOnAPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String port = Integer.toString(taken.getLocalPort());
            assertOneLine(runToEnd("-p", ModulePathIT.modulePath(), "-m",
                    MODULE + "/" + MODULE + ".chat.ChatRoomServer", "127.0.0.1", port), "ChatRoomServer", port, "in use");
        }
    }

    @Test
    void httpClientRefused() throws Exception {
        String port = Integer.toString(refusedPort());
        assertOneLine(runToEnd("-p", ModulePathIT.modulePath(), "-m", MODULE + "/" + MODULE + ".HTTPClient",
                "127.0.0.1", port, "/"), "HTTPClient", port, "refused");
    }

    @Test
    void launcherWhoseEchoBundleCannotListen() throws Exception {
        String launcher = ChildJvm.requiredFile("examples.launcher").toString();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String port = Integer.toString(taken.getLocalPort());
            List<String> lines = runToEnd("-Dasyncore.echo.host=127.0.0.1", "-Dasyncore.echo.port=" + port,
                    "-jar", launcher);
            // Felix itself may warn on a new JDK (sun.misc.Unsafe); the example says one line
            List<String> ours = lines.stream().filter(l -> l.startsWith("echo-osgi: ")).collect(Collectors.toList());
            assertOneLine(ours, "echo-osgi", port, "in use");
            assertFalse(String.join("\n", lines).contains("Exception"), String.join("\n", lines));
        }
    }
}
