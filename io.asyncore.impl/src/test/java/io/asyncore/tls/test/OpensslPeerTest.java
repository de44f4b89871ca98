package io.asyncore.tls.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.EventLoop;
import io.asyncore.testkit.Await;
import io.asyncore.tls.TlsConfig;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OpenSSL's {@code s_client} and {@code s_server} (Debian's openssl 3) against our server and client. */
class OpensslPeerTest {

    private EventLoop loop;

    @BeforeEach
    void start() {
        loop = EventLoop.start("tls-openssl");
    }

    @AfterEach
    void stop() {
        loop.close();
    }

    private EchoServer server(TlsConfig config) throws Exception {
        return OnLoop.call(loop, () -> new EchoServer(loop.map(), config));
    }

    /** s_client without -quiet, so its connected commands (k: key update, R: renegotiate) work. */
    private static Peer sClient(EchoServer server, String... extra) throws Exception {
        String[] base = {"openssl", "s_client", "-connect", "127.0.0.1:" + server.port(), "-CAfile", Certs.cert().toString(),
            "-verify_return_error", "-servername", "localhost"};
        String[] command = new String[base.length + extra.length];
        System.arraycopy(base, 0, command, 0, base.length);
        System.arraycopy(extra, 0, command, base.length, extra.length);
        return Peer.start(command);
    }

    @Test
    void sClientEchoesAcrossATls13KeyUpdate() throws Exception {
        EchoServer server = server(Certs.server().build());
        try (Peer client = sClient(server, "-tls1_3")) {
            client.await("verified", l -> l.contains("Verify return code: 0 (ok)"));
            client.write("before the key update\n");
            client.await("the echo", "before the key update"::equals);
            client.write("k\n"); // KeyUpdate with update_requested: we must answer with ours
            client.await("KEYUPDATE", l -> l.contains("KEYUPDATE"));
            client.write("after the key update\n");
            client.await("the echo after it", "after the key update"::equals);
            client.write("k\n");
            client.await("the second KEYUPDATE", l -> l.contains("KEYUPDATE"));
            client.write("and another one\n");
            client.await("the echo after two", "and another one"::equals);
        }
        assertEquals("TLSv1.3", server.connections.get(0).protocol);
        assertTrue(server.errors().isEmpty(), () -> server.errors().toString());
    }

    @Test
    void renegotiationIsRefused() throws Exception {
        EchoServer server = server(Certs.server().build());
        try (Peer client = sClient(server, "-tls1_2")) {
            client.await("verified", l -> l.contains("Verify return code: 0 (ok)"));
            client.write("plain echo\n");
            client.await("the echo", "plain echo"::equals);
            client.write("R\n");
            client.await("RENEGOTIATING", l -> l.contains("RENEGOTIATING"));
            Await.until("the connection closed", () -> server.connections.get(0).closed);
        }
        Throwable error = server.connections.get(0).errors.get(0);
        assertTrue(error instanceof SSLHandshakeException && error.getMessage().contains("renegotiation refused"), error::toString);
    }

    @Test
    void noSharedCipherFailsThatConnectionOnly() throws Exception {
        EchoServer server = server(Certs.server().protocols("TLSv1.3").cipherSuites("TLS_AES_128_GCM_SHA256").build());
        try (Peer healthy = sClient(server, "-tls1_3")) {
            healthy.await("verified", l -> l.contains("Verify return code: 0 (ok)"));
            try (Peer failing = sClient(server, "-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256")) {
                failing.await("the alert", l -> l.contains("handshake failure") || l.contains("alert"));
                failing.exit();
            }
            Await.until("the second connection closed", () -> server.connections.size() == 2 && server.connections.get(1).closed);
            Throwable error = server.connections.get(1).errors.get(0);
            assertTrue(error instanceof SSLHandshakeException, error::toString);
            assertTrue(error.getMessage().toLowerCase().contains("cipher"), error::toString);
            healthy.write("still here\n");
            healthy.await("the healthy connection's echo", "still here"::equals);
        }
        assertTrue(server.connections.get(0).errors.isEmpty());
    }

    @Test
    void ourClientTalksToSServer() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (Peer sServer = Peer.start("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert", Certs.cert().toString(),
                "-key", Certs.key().toString(), "-rev")) {
            sServer.await("ACCEPT", l -> l.startsWith("ACCEPT"));
            int p = port;
            LineClient client = OnLoop.call(loop, () -> new LineClient(loop.map(), Certs.client().build(), "localhost", p,
                    "hello from asyncore\n"));
            String reply = client.lines.poll(Peer.WAIT_MS, TimeUnit.MILLISECONDS);
            assertNotNull(reply, () -> "no reply; errors " + client.errors + ", s_server said " + sServer.output());
            assertEquals("erocnysa morf olleh", reply);
            assertTrue(client.handshook);
            OnLoop.call(loop, () -> {
                client.close(); // close_notify; s_server -rev answers with its own
                return null;
            });
        }
    }

    @Test
    void hostnameIsVerifiedByDefault() throws Exception {
        EchoServer server = server(Certs.server().build());
        LineClient client = OnLoop.call(loop, () -> new LineClient(loop.map(), Certs.client().build(), "wrong.example",
                server.port(), "x\n"));
        Await.until("the client closed", () -> client.closed);
        Throwable error = client.errors.get(0);
        assertTrue(error instanceof SSLHandshakeException && error.getMessage().contains("wrong.example"), error::toString);
        Await.until("the connection closed", () -> server.connections.get(0).closed);
        assertTrue(!server.connections.get(0).errors.isEmpty(), "the server saw the client's alert");
        LineClient right = OnLoop.call(loop, () -> new LineClient(loop.map(), Certs.client().build(), "localhost",
                server.port(), "right name\n"));
        assertEquals("right name", right.lines.poll(Peer.WAIT_MS, TimeUnit.MILLISECONDS));
    }

    @Test
    void untrustedServerCertificateFailsTheHandshake() throws Exception {
        EchoServer server = server(Certs.server().build());
        TlsConfig trustsAnother = TlsConfig.builder(io.asyncore.tls.TlsContexts.trusting(Certs.other())).build();
        LineClient client = OnLoop.call(loop, () -> new LineClient(loop.map(), trustsAnother, "localhost", server.port(), "x\n"));
        Await.until("the client closed", () -> client.closed);
        Throwable error = client.errors.get(0);
        assertTrue(error instanceof SSLHandshakeException && error.getMessage().contains("PKIX"), error::toString);
    }
}
