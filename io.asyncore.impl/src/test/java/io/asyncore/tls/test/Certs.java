package io.asyncore.tls.test;

import io.asyncore.tls.TlsConfig;
import io.asyncore.tls.TlsContexts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Test certificates, made once per test JVM with {@code openssl} in a temporary directory
 * that is deleted when the JVM exits: no private key is ever committed. Two unrelated
 * self-signed EC P-256 certificates for {@code localhost} and {@code 127.0.0.1}: the
 * server's, and another one a client can wrongly trust.
 */
final class Certs {

    private static Path dir;

    private Certs() {}

    /** The directory holding cert.pem, key.pem, other.pem, other-key.pem and cert.p12 (password "secret"). */
    static synchronized Path dir() {
        if (dir == null) {
            try {
                Path d = Files.createTempDirectory("asyncore-tls-");
                selfSigned(d, "cert.pem", "key.pem", "localhost");
                selfSigned(d, "other.pem", "other-key.pem", "localhost");
                run(d, "openssl", "pkcs12", "-export", "-in", "cert.pem", "-inkey", "key.pem",
                        "-out", "cert.p12", "-passout", "pass:secret", "-name", "server");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(d)));
                dir = d;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    static Path cert() {
        return dir().resolve("cert.pem");
    }

    static Path key() {
        return dir().resolve("key.pem");
    }

    static Path other() {
        return dir().resolve("other.pem");
    }

    /** A server config with the test certificate, from the PEM files. */
    static TlsConfig.Builder server() {
        try {
            return TlsConfig.builder(TlsContexts.fromPem(cert(), key()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client config trusting only the test certificate. */
    static TlsConfig.Builder client() {
        try {
            return TlsConfig.builder(TlsContexts.trusting(cert()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void selfSigned(Path d, String cert, String key, String cn) throws IOException {
        run(d, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=" + cn,
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    }

    static void run(Path d, String... command) throws IOException {
        Process p = new ProcessBuilder(List.of(command)).directory(d.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
    }

    private static void delete(Path d) {
        try (Stream<Path> files = Files.walk(d)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
