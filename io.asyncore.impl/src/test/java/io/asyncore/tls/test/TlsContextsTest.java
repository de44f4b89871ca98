package io.asyncore.tls.test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.tls.TlsContexts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Clear errors for key files the PEM reader does not take, naming the file and the fix. */
class TlsContextsTest {

    @Test
    void pkcs1AndSec1KeysAreNamedWithTheConversion() throws Exception {
        Path sec1 = Certs.dir().resolve("sec1.pem");
        Certs.run(Certs.dir(), "openssl", "ec", "-in", "key.pem", "-out", "sec1.pem");
        IOException e = assertThrows(IOException.class, () -> TlsContexts.fromPem(Certs.cert(), sec1));
        assertTrue(e.getMessage().contains("a SEC1 EC key") && e.getMessage().contains("openssl pkcs8 -topk8"), e.getMessage());
        Files.delete(sec1);
    }

    @Test
    void aCertificateFileThatIsNotPemIsNamed() throws Exception {
        IOException e = assertThrows(IOException.class, () -> TlsContexts.fromPem(Certs.key(), Certs.key()));
        assertTrue(e.getMessage().contains("key.pem") && e.getMessage().contains("not a PEM certificate file"), e.getMessage());
    }

    @Test
    void aWrongPkcs12PasswordIsNamed() {
        IOException e = assertThrows(IOException.class,
                () -> TlsContexts.fromPkcs12(Certs.dir().resolve("cert.p12"), "wrong".toCharArray()));
        assertTrue(e.getMessage().contains("cert.p12"), e.getMessage());
    }
}
