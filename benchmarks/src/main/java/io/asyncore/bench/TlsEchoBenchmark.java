package io.asyncore.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * TLS echo: our server against Netty's {@code SslHandler}, both on the JDK provider and
 * one thread, in the same run, 100 connections at 64 B and 16 KiB. Makes a throw-away
 * self-signed certificate with {@code openssl}.
 *
 * <p>Usage: {@code TlsEchoBenchmark [seconds per run]} (default 5). Prints one line per
 * server and size, and the ratio of our messages/s to Netty's.
 */
public final class TlsEchoBenchmark {

    private TlsEchoBenchmark() {}

    /**
     * Entry point.
     *
     * @param args optional seconds per run
     * @throws Exception if a server or the load fails
     */
    public static void main(String[] args) throws Exception {
        long millis = (args.length > 0 ? Long.parseLong(args[0]) : 5) * 1000;
        Contexts contexts = Contexts.make();
        for (int size : new int[] {64, 16 * 1024}) {
            double ours = 0;
            double netty = 0;
            for (String kind : new String[] {"asyncore", "netty"}) {
                try (EchoServer server = start(kind, contexts.server)) {
                    TlsEchoLoad.Result r = TlsEchoLoad.run(contexts.client, server.port(), 100, size, 1000, millis);
                    System.out.printf("TLS echo %-8s %6d B: %,.0f msg/s%n", kind, size, r.messagesPerSecond());
                    if (kind.equals("asyncore")) {
                        ours = r.messagesPerSecond();
                    } else {
                        netty = r.messagesPerSecond();
                    }
                }
            }
            System.out.printf("TLS echo %d B: asyncore/netty = %.2fx%n", size, ours / netty);
        }
    }

    /** Our TLS echo (the seed's DispatcherWithSend echo, one loop) or Netty's, from {@code context}. */
    static EchoServer start(String kind, SSLContext context) throws IOException {
        return switch (kind) {
            case "asyncore" -> new AsyncoreEchoServer(AsyncoreEchoServer.Style.SEND, 1, context);
            case "netty" -> new NettyEchoServer(context);
            default -> throw new IllegalArgumentException("unknown TLS server " + kind + " (asyncore, netty)");
        };
    }

    /** A server context and a client context trusting it, from a fresh self-signed certificate. */
    record Contexts(SSLContext server, SSLContext client) {
        static Contexts make() throws IOException, InterruptedException {
            Path dir = Files.createTempDirectory("tls-bench-");
            try {
                Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "1",
                        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
                        .directory(dir.toFile()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IOException("openssl failed: " + out);
                }
                return new Contexts(io.asyncore.tls.TlsContexts.fromPem(dir.resolve("cert.pem"), dir.resolve("key.pem")),
                        io.asyncore.tls.TlsContexts.trusting(dir.resolve("cert.pem")));
            } finally {
                for (String f : new String[] {"key.pem", "cert.pem"}) {
                    Files.deleteIfExists(dir.resolve(f));
                }
                Files.deleteIfExists(dir);
            }
        }
    }
}
