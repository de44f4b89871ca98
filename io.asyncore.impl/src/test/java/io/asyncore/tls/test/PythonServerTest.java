package io.asyncore.tls.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.EventLoop;
import io.asyncore.tls.TlsConfig;
import io.asyncore.tls.TlsLayer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Python 3.11's {@code ssl} module as the server of our TLS client: echo, ALPN, session
 * resumption, delegated tasks on an executor, and the closing exchange.
 */
class PythonServerTest {

    /**
     * Serves {@code count} connections one after the other: echoes lines upper-cased,
     * reports resumption, then whether the client ended with close_notify.
     */
    static final String SERVER = """
            import socket, ssl, sys, time
            cert, key, count, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cert, key)
            ctx.set_alpn_protocols(["http/1.1"])
            listener = socket.create_server(("127.0.0.1", 0))
            print("port", listener.getsockname()[1], flush=True)
            for _ in range(count):
                raw, _ = listener.accept()
                conn = ctx.wrap_socket(raw, server_side=True, suppress_ragged_eofs=False)
                print("accepted", conn.version(), conn.selected_alpn_protocol(), "reused", conn.session_reused, flush=True)
                if mode == "mute":
                    time.sleep(5)  # never reads: our close_notify gets no answer
                    continue
                buf = b""
                try:
                    while True:
                        data = conn.recv(65536)
                        if not data:
                            print("clean close_notify", flush=True)
                            conn.unwrap()  # our close_notify back
                            break
                        buf += data
                        while b"\\n" in buf:
                            line, buf = buf.split(b"\\n", 1)
                            conn.sendall(line.upper() + b"\\n")
                except ssl.SSLEOFError:
                    print("truncated", flush=True)
                conn.close()
            """;

    @Test
    void ourClientEchoesResumesAndClosesWithCloseNotify() throws Exception {
        ExecutorService tasks = Executors.newSingleThreadExecutor();
        AtomicInteger delegated = new AtomicInteger();
        TlsConfig config = Certs.client().applicationProtocols("http/1.1")
                .taskExecutor(task -> {
                    delegated.incrementAndGet();
                    tasks.execute(task);
                }).build();
        try (Peer python = Peer.python(SERVER, Certs.cert().toString(), Certs.key().toString(), "2", "echo");
                EventLoop loop = EventLoop.start("tls-python-server")) {
            int port = Integer.parseInt(python.awaitPrefix("port "));
            for (int round = 0; round < 2; round++) {
                LineClient client = OnLoop.call(loop, () -> new LineClient(loop.map(), config, "localhost", port, "hello\n"));
                assertEquals("HELLO", client.lines.poll(Peer.WAIT_MS, TimeUnit.MILLISECONDS), () -> "errors " + client.errors);
                assertEquals("http/1.1", OnLoop.call(loop, () -> TlsLayer.of(client).applicationProtocol()));
                assertEquals(round == 0 ? "False" : "True", python.awaitPrefix("accepted TLSv1.3 http/1.1 reused "),
                        "the second connection resumes the first one's session");
                OnLoop.call(loop, () -> {
                    client.close();
                    return null;
                });
                python.await("the client's close_notify", "clean close_notify"::equals);
                assertTrue(client.errors.isEmpty(), client.errors::toString);
            }
            assertEquals(0, python.exit(), () -> python.output().toString());
        } finally {
            tasks.shutdown();
            assertTrue(tasks.awaitTermination(5, TimeUnit.SECONDS));
        }
        assertTrue(delegated.get() > 0, "delegated tasks ran on the configured executor");
    }

    @Test
    void closeNotifyWithoutAnAnswerLingersOnlyForTheBound() throws Exception {
        TlsConfig config = Certs.client().closeTimeout(Duration.ofMillis(300)).build();
        ChannelMap map = new ChannelMap("tls-linger");
        try (Peer python = Peer.python(SERVER, Certs.cert().toString(), Certs.key().toString(), "1", "mute")) {
            int port = Integer.parseInt(python.awaitPrefix("port "));
            LineClient client = new LineClient(map, config, "localhost", port, "");
            long deadline = System.currentTimeMillis() + Peer.WAIT_MS;
            while (!TlsLayer.of(client).isHandshakeComplete() && System.currentTimeMillis() < deadline) {
                Asyncore.loop(Duration.ofMillis(10), false, map, 1);
            }
            assertTrue(TlsLayer.of(client).isHandshakeComplete(), () -> "errors " + client.errors);
            client.close();
            assertEquals(1, map.size(), "the connection lingers for the peer's close_notify");
            long start = System.nanoTime();
            Asyncore.loop(Duration.ofMillis(50), false, map); // until the map is empty
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(map.isEmpty());
            assertTrue(ms >= 250, "waited for the peer, " + ms + " ms");
        }
    }
}
