package io.asyncore.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The examples as users run them, in child JVMs: the packaged jars on a plain module path
 * (proving the module descriptors: the engine is found through ServiceLoader although
 * nothing requires io.asyncore.impl, and osgi.core is absent), and on a class path.
 */
class ModulePathIT {

    private static final String MODULE = "io.asyncore.examples";

    /** target/modules: io.asyncore.api, io.asyncore.impl and the examples jar, as the README runs them. */
    static String modulePath() throws IOException {
        Path modules = ChildJvm.requiredFile("examples.modules");
        try (Stream<Path> jars = Files.list(modules)) {
            List<String> names = jars.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
            assertEquals(3, names.size(), "api, impl and examples jars in " + modules + ": " + names);
        }
        return modules.toString();
    }

    @Test
    void echoServerOnTheModulePathEchoes() throws Exception {
        // Port 0: the server says which port it got, so no fixed port has to be free.
        assertEchoes("-p", modulePath(), "-m", MODULE + "/" + MODULE + ".EchoServer", "127.0.0.1", "0");
    }

    @Test
    void echoServerOnTheClassPathEchoes() throws Exception {
        // The same jars as a plain class path: the engine is found through META-INF/services.
        assertEchoes("-cp", modulePath() + File.separator + "*", MODULE + ".EchoServer", "127.0.0.1", "0");
    }

    private static void assertEchoes(String... javaArgs) throws Exception {
        try (ChildJvm server = ChildJvm.start(javaArgs)) {
            String listening = server.awaitLine(l -> l.startsWith("Echo server listening on "), 60);
            int port = Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1).trim());

            byte[] payload = new byte[256 * 1024];
            new Random(11).nextBytes(payload);
            assertArrayEquals(payload, EchoServerTest.exchange(new InetSocketAddress("127.0.0.1", port), payload),
                    server.output());
            server.awaitLine(l -> l.startsWith("Incoming connection from /127.0.0.1:"), 30);
        }
    }

    @Test
    void httpClientOnTheModulePathPrintsTheResponse() throws Exception {
        byte[] body = "hello from loopback\n".getBytes(StandardCharsets.US_ASCII);
        try (LoopbackHttpServer http = new LoopbackHttpServer(body);
                ChildJvm client = ChildJvm.start("-p", modulePath(), "-m", MODULE + "/" + MODULE + ".HTTPClient",
                        "127.0.0.1", Integer.toString(http.port()), "/status")) {
            assertEquals(0, client.awaitExit(60), client.output());
            assertEquals("GET /status HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", http.request());
            String printed = client.output();
            assertTrue(printed.contains("HTTP/1.0 200 OK"), printed);
            assertTrue(printed.contains("hello from loopback"), printed);
        }
    }
}
