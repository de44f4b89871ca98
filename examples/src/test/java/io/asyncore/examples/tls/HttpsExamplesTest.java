package io.asyncore.examples.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.EventLoop;
import io.asyncore.testkit.Await;
import io.asyncore.tls.TlsConfig;
import io.asyncore.tls.TlsContexts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code curl https://} against the HTTPS example server, and the HTTPS client example
 * against it; the certificate is made by {@code openssl} in a temporary directory.
 */
class HttpsExamplesTest {

    @TempDir
    Path dir;

    private void certificate() throws Exception {
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"));
    }

    private String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish: " + out);
        }
        assertEquals(0, p.exitValue(), () -> command + ": " + out);
        return out;
    }

    private static <T> T onLoop(EventLoop loop, java.util.concurrent.Callable<T> task) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(20, TimeUnit.SECONDS);
    }

    @Test
    void curlAndTheHttpsClientGetAnAnswer() throws Exception {
        certificate();
        TlsConfig config = TlsConfig.builder(TlsContexts.fromPem(dir.resolve("cert.pem"), dir.resolve("key.pem")))
                .applicationProtocols("http/1.1").build();
        try (EventLoop loop = EventLoop.start("https-example")) {
            HttpsServer server = onLoop(loop, () -> new HttpsServer("127.0.0.1", 0, config, loop.map()));
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            String body = run(List.of("curl", "-sS", "--max-time", "10", "--cacert", "cert.pem",
                    "--resolve", "localhost:" + port + ":127.0.0.1", "https://localhost:" + port + "/hello"));
            assertTrue(body.startsWith("hello over TLS: GET /hello HTTP/1.1"), body);

            TlsConfig client = TlsConfig.builder(TlsContexts.trusting(dir.resolve("cert.pem"))).build();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            HTTPSClient https = onLoop(loop, () -> new HTTPSClient("localhost", port, "/again", client, loop.map(), out));
            Await.until("the server closes after its response, and the client with it", https::isClosed);
            String response = onLoop(loop, () -> out.toString(StandardCharsets.UTF_8));
            assertTrue(response.startsWith("HTTP/1.0 200 OK") && response.endsWith("hello over TLS: GET /again HTTP/1.0\n"),
                    response);
        }
    }
}
