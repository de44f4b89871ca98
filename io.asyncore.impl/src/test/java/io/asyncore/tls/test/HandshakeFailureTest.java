package io.asyncore.tls.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.EventLoop;
import io.asyncore.testkit.Await;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Peers that cannot or will not complete a handshake fail only their own connection,
 * with the SSL reason in {@code handleError}: a plaintext client, a client that does
 * not trust our certificate (Python's ssl), and one that stalls mid-handshake.
 */
class HandshakeFailureTest {

    private EventLoop loop;
    private EchoServer server;
    private LineClient healthy;

    @BeforeEach
    void start() throws Exception {
        loop = EventLoop.start("tls-failures");
        server = OnLoop.call(loop, () -> new EchoServer(loop.map(), Certs.server().handshakeTimeout(Duration.ofSeconds(2)).build()));
        healthy = OnLoop.call(loop, () -> new LineClient(loop.map(), Certs.client().build(), "localhost", server.port(), "first\n"));
        String first = healthy.lines.poll(Peer.WAIT_MS, TimeUnit.MILLISECONDS);
        assertEquals("first", first, () -> "client " + healthy.errors + ", server " + server.errors());
    }

    @AfterEach
    void stop() throws Exception {
        // The healthy neighbour still echoes, and saw nothing of the others' failures.
        OnLoop.call(loop, () -> {
            healthy.push("still here\n".getBytes(StandardCharsets.US_ASCII));
            return null;
        });
        assertEquals("still here", healthy.lines.poll(Peer.WAIT_MS, TimeUnit.MILLISECONDS));
        assertTrue(healthy.errors.isEmpty() && server.connections.get(0).errors.isEmpty());
        loop.close();
    }

    @Test
    void plaintextPeerOnTheTlsPort() throws Exception {
        try (Socket plain = new Socket("127.0.0.1", server.port())) {
            plain.setSoTimeout((int) Peer.WAIT_MS);
            plain.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = plain.getInputStream();
            while (in.read() >= 0) {
                // the server's alert, then the end of the stream
            }
        }
        Await.until("the second connection closed", () -> server.connections.size() == 2 && server.connections.get(1).closed);
        Throwable error = server.connections.get(1).errors.get(0);
        assertTrue(error instanceof SSLException && error.getMessage().contains("plaintext connection"),
                error::toString);
    }

    @Test
    void clientThatDoesNotTrustUs() throws Exception {
        String script = """
                import socket, ssl, sys
                ctx = ssl.create_default_context(cafile=sys.argv[2])
                try:
                    with ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))), server_hostname="localhost"):
                        print("connected", flush=True)
                except ssl.SSLError as e:
                    print("refused", e.reason, flush=True)
                """;
        try (Peer python = Peer.python(script, String.valueOf(server.port()), Certs.other().toString())) {
            assertEquals("CERTIFICATE_VERIFY_FAILED", python.awaitPrefix("refused "));
        }
        Await.until("the second connection closed", () -> server.connections.size() == 2 && server.connections.get(1).closed);
        Throwable error = server.connections.get(1).errors.get(0);
        assertTrue(error instanceof SSLException && String.valueOf(error.getCause()).contains("unknown_ca"), () -> error + " caused by " + error.getCause());
    }

    @Test
    void peerStallingMidHandshakeIsTimedOut() throws Exception {
        try (Socket staller = new Socket("127.0.0.1", server.port())) {
            OutputStream out = staller.getOutputStream();
            out.write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}); // the start of a ClientHello, then nothing
            out.flush();
            Await.until("the second connection closed", () -> server.connections.size() == 2 && server.connections.get(1).closed);
            Throwable error = server.connections.get(1).errors.get(0);
            assertTrue(error instanceof SSLHandshakeException && error.getMessage().contains("timed out after 2000 ms"),
                    error::toString);
            staller.setSoTimeout((int) Peer.WAIT_MS);
            while (staller.getInputStream().read() >= 0) {
                // closed by the server
            }
        }
    }
}
