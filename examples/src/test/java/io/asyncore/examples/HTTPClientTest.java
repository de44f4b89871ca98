package io.asyncore.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.EventLoop;
import io.asyncore.testkit.Await;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP client example against a loopback HTTP/1.0 server. */
class HTTPClientTest {

    @AfterEach
    void emptyDefaultMap() {
        Asyncore.closeAll();
    }

    @Test
    void getsAndPrintsTheWholeResponseThenLeavesTheMap() throws Exception {
        // Larger than one recv(8192), so the response arrives in several reads.
        byte[] body = new byte[100_000];
        new Random(3).nextBytes(body);
        try (LoopbackHttpServer server = new LoopbackHttpServer(body)) {
            ChannelMap map = new ChannelMap("http-client-test");
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            HTTPClient client = new HTTPClient("127.0.0.1", server.port(), "/index.html", map, printed);
            try {
                // Python's asyncore.loop(): runs until the server closes and the client with it
                // (bounded, so a broken client fails the test instead of hanging it).
                Asyncore.loop(Duration.ofMillis(200), false, map, 10_000);
            } finally {
                Asyncore.closeAll(map, true);
            }

            assertEquals("GET /index.html HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", server.request());
            assertArrayEquals(server.response(), printed.toByteArray(), "every response byte, in order");
            assertTrue(client.isClosed(), "handle_close closes the client");
            assertTrue(map.isEmpty(), "so the loop ends by itself");
        }
    }

    @Test
    void madeOnAnotherThreadForAnEventLoop() throws Exception {
        byte[] body = new byte[50_000];
        new Random(4).nextBytes(body);
        try (LoopbackHttpServer server = new LoopbackHttpServer(body);
                EventLoop loop = EventLoop.start("http-client-test")) {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            // Constructed here while the loop thread already polls its map.
            HTTPClient client = new HTTPClient("127.0.0.1", server.port(), "/", loop.map(), printed);
            client.addChannel(); // the loop serves it once it is complete
            Await.until("the server closes after its response, and the client with it", Duration.ofSeconds(30),
                    client::isClosed);
            assertArrayEquals(server.response(), printed.toByteArray());
        }
    }

    @Test
    void printsToStandardOutputByDefault() throws Exception {
        byte[] body = "hello from loopback\n".getBytes(StandardCharsets.US_ASCII);
        try (LoopbackHttpServer server = new LoopbackHttpServer(body)) {
            PrintStream original = System.out;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setOut(new PrintStream(captured, true, StandardCharsets.US_ASCII));
            try {
                new HTTPClient("127.0.0.1", server.port(), "/");
                Asyncore.loop(Duration.ofMillis(200), false, null, 10_000);
            } finally {
                System.setOut(original);
            }
            String printed = captured.toString(StandardCharsets.US_ASCII);
            System.out.print(printed);
            assertTrue(printed.startsWith("HTTP/1.0 200 OK\r\n"), printed);
            assertTrue(printed.endsWith("\r\n\r\nhello from loopback\n"), printed);
            assertTrue(ChannelMap.defaultMap().isEmpty(), "the client closed and left the default map");
        }
    }
}
