package io.asyncore.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reads PEM files: X.509 certificates and unencrypted PKCS#8 private keys. */
final class Pem {

    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"};

    private Pem() {}

    static List<Certificate> certificates(Path file) throws IOException {
        try {
            List<Certificate> certs = new ArrayList<>(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file))));
            if (certs.isEmpty()) {
                throw new IOException(file + " holds no certificate");
            }
            return certs;
        } catch (CertificateException e) {
            throw new IOException(file + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = text.indexOf(begin);
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            String found = text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") ? "an encrypted PKCS#8 key"
                    : text.contains("-----BEGIN RSA PRIVATE KEY-----") ? "a PKCS#1 RSA key"
                    : text.contains("-----BEGIN EC PRIVATE KEY-----") ? "a SEC1 EC key" : "no private key";
            throw new IOException(file + " holds " + found + "; expected an unencrypted PKCS#8 key"
                    + " (-----BEGIN PRIVATE KEY-----; convert with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": the private key is not valid base64", e);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new IOException(file + ": the PKCS#8 key is of none of the algorithms " + String.join(", ", KEY_ALGORITHMS));
    }
}
