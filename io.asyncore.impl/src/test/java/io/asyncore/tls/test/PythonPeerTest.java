package io.asyncore.tls.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.EventLoop;
import io.asyncore.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Python 3.11's {@code ssl} module as the client of our TLS echo server. */
class PythonPeerTest {

    /** A client: connects with SNI and ALPN, echoes lines, closes cleanly or not, resumes. */
    static final String CLIENT = """
            import socket, ssl, sys
            port, cafile, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            ctx = ssl.create_default_context(cafile=cafile)
            ctx.check_hostname = False
            ctx.set_alpn_protocols(["h2", "http/1.1"])
            if mode.endswith("12"):
                ctx.maximum_version = ssl.TLSVersion.TLSv1_2
            session = None
            for round in range(2 if mode.startswith("resume") else 1):
                raw = socket.create_connection(("127.0.0.1", port))
                s = ctx.wrap_socket(raw, server_hostname="sni.example.test", session=session)
                print("version", s.version(), "alpn", s.selected_alpn_protocol(), flush=True)
                for size in (1, 100, 20000, 70000):
                    data = bytes((i * 7 + size) % 256 for i in range(size))
                    s.sendall(data)
                    got = b""
                    while len(got) < size:
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        got += chunk
                    print("echo", size, got == data, flush=True)
                print("reused", s.session_reused, flush=True)
                session = s.session
                if mode == "truncate":
                    s.close()  # no close_notify: Python's close never sends one
                else:
                    s = s.unwrap()  # close_notify, and waits for the server's
                    print("unwrapped", flush=True)
                    s.close()
            print("done", flush=True)
            """;

    private EventLoop loop;
    private EchoServer server;

    @BeforeEach
    void start() throws Exception {
        loop = EventLoop.start("tls-python");
        java.util.concurrent.CompletableFuture<EchoServer> made = new java.util.concurrent.CompletableFuture<>();
        loop.execute(() -> {
            try {
                made.complete(new EchoServer(loop.map(), Certs.server().applicationProtocols("http/1.1").build()));
            } catch (Exception e) {
                made.completeExceptionally(e);
            }
        });
        server = made.get();
    }

    @AfterEach
    void stop() {
        loop.close();
    }

    @Test
    void pythonClientEchoesAndClosesCleanly() throws Exception {
        try (Peer python = Peer.python(CLIENT, String.valueOf(server.port()), Certs.cert().toString(), "clean")) {
            String hello = python.awaitPrefix("version ");
            assertTrue(hello.endsWith("alpn http/1.1"), hello);
            for (String size : new String[] {"1", "100", "20000", "70000"}) {
                assertEquals("True", python.awaitPrefix("echo " + size + " "));
            }
            python.await("unwrapped", "unwrapped"::equals);
            assertEquals(0, python.exit(), () -> String.valueOf(python.output()));
        }
        EchoServer.Seen seen = server.connections.get(0);
        Await.until("the connection closed", () -> seen.closed);
        assertEquals("sni.example.test", seen.sni, "SNI readable server side");
        assertEquals("http/1.1", seen.alpn, "ALPN readable server side");
        assertTrue(seen.closeNotify, "the client's close_notify arrived");
        assertFalse(seen.truncated);
        assertEquals(1 + 100 + 20000 + 70000, seen.echoed);
        assertTrue(seen.errors.isEmpty(), () -> seen.errors.toString());
    }

    @Test
    void closeWithoutCloseNotifyIsReportedAsTruncation() throws Exception {
        try (Peer python = Peer.python(CLIENT, String.valueOf(server.port()), Certs.cert().toString(), "truncate")) {
            python.await("done", "done"::equals);
            assertEquals(0, python.exit());
        }
        EchoServer.Seen seen = server.connections.get(0);
        Await.until("the connection closed", () -> seen.closed);
        assertTrue(seen.truncated, "TCP close without close_notify is a truncation");
        assertFalse(seen.closeNotify);
        assertTrue(seen.errors.isEmpty(), () -> seen.errors.toString());
    }

    @Test
    void secondConnectionResumesTheSession() throws Exception {
        resumes("resume");
    }

    @Test
    void secondConnectionResumesTheSessionOnTls12() throws Exception {
        resumes("resume12");
    }

    private void resumes(String mode) throws Exception {
        try (Peer python = Peer.python(CLIENT, String.valueOf(server.port()), Certs.cert().toString(), mode)) {
            assertEquals("False", python.awaitPrefix("reused "));
            assertEquals("True", python.awaitPrefix("reused "), "the second connection resumed");
            python.await("done", "done"::equals);
            assertEquals(0, python.exit());
        }
    }

    @Test
    void closeNotifyRightBehindTheLastDataIsSeen() throws Exception {
        // The last bytes and close_notify in one flight, then the peer waits (with TCP
        // open) for our close_notify: the socket never becomes readable again.
        String script = """
                import socket, ssl, sys
                ctx = ssl.create_default_context(cafile=sys.argv[2])
                ctx.check_hostname = False
                sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
                inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
                tls = ctx.wrap_bio(inc, out, server_hostname="localhost")
                while True:
                    try:
                        tls.do_handshake()
                        break
                    except ssl.SSLWantReadError:
                        sock.sendall(out.read())
                        inc.write(sock.recv(65536))
                sock.sendall(out.read())
                tls.write(b"x" * 5000)
                try:
                    tls.unwrap()
                except ssl.SSLWantReadError:
                    pass
                sock.sendall(out.read())  # the data and close_notify in one write
                while True:
                    chunk = sock.recv(65536)
                    if not chunk:
                        print("eof", flush=True)
                        break
                    inc.write(chunk)
                    try:
                        tls.unwrap()
                        print("unwrapped", flush=True)
                        break
                    except ssl.SSLWantReadError:
                        continue
                    except ssl.SSLError as e:
                        print("unwrap ended", e, flush=True)
                        break
                """;
        server.echo = false; // a reader only: nothing it sends can reveal the end for it
        try (Peer python = Peer.python(script, String.valueOf(server.port()), Certs.cert().toString())) {
            python.await("the end", l -> l.startsWith("unwrap") || l.equals("eof"));
            assertEquals(0, python.exit());
        }
        EchoServer.Seen seen = server.connections.get(0);
        Await.until("the connection closed", () -> seen.closed);
        assertTrue(seen.closeNotify, "close_notify seen");
        assertEquals(5000, seen.echoed);
    }

    @Test
    void truncationCanBeAnError() throws Exception {
        EchoServer strict = OnLoop.call(loop, () -> new EchoServer(loop.map(),
                io.asyncore.tls.TlsConfig.builder(io.asyncore.tls.TlsContexts.fromPkcs12(Certs.dir().resolve("cert.p12"),
                        "secret".toCharArray())).truncationIsError(true).build()));
        try (Peer python = Peer.python(CLIENT, String.valueOf(strict.port()), Certs.cert().toString(), "truncate")) {
            python.await("done", "done"::equals);
            assertEquals(0, python.exit());
        }
        EchoServer.Seen seen = strict.connections.get(0);
        Await.until("the connection closed", () -> seen.closed);
        assertTrue(seen.errors.get(0) instanceof io.asyncore.tls.TlsTruncationException, seen.errors::toString);
        assertEquals(1 + 100 + 20000 + 70000, seen.echoed, "every byte before the truncation was echoed");
    }
}
