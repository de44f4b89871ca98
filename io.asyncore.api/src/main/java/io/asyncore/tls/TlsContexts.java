package io.asyncore.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Makes {@link SSLContext}s from files, for examples and small servers: a PKCS#12 key
 * store, or PEM files (X.509 certificates and an unencrypted PKCS#8 private key, as
 * {@code openssl req -newkey ... -nodes} writes them), read with {@code java.security}
 * alone. Anything more (hardware keys, reloading, revocation) belongs in a context the
 * user builds.
 */
public final class TlsContexts {

    private TlsContexts() {}

    /**
     * A server (or client-certificate) context from a PKCS#12 file; peers are trusted by
     * the JDK's default trust store.
     *
     * @param pkcs12 the key store file
     * @param password its password (also the key's)
     * @return a TLS context
     * @throws IOException if the file cannot be read or holds no usable key
     */
    public static SSLContext fromPkcs12(Path pkcs12, char[] password) throws IOException {
        try (InputStream in = Files.newInputStream(pkcs12)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, password); // a wrong password is an IOException without the file's name
            return context(keys, password, null);
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException("cannot use PKCS#12 file " + pkcs12 + ": " + e.getMessage(), e);
        }
    }

    /**
     * A server (or client-certificate) context from PEM files; peers are trusted by the
     * JDK's default trust store.
     *
     * @param certificateChain the certificate, then the intermediates, as PEM
     * @param privateKey the certificate's key as unencrypted PKCS#8 PEM
     *     ({@code -----BEGIN PRIVATE KEY-----}): RSA, EC, Ed25519 or Ed448
     * @return a TLS context
     * @throws IOException if a file cannot be read or parsed, naming it
     */
    public static SSLContext fromPem(Path certificateChain, Path privateKey) throws IOException {
        return fromPem(certificateChain, privateKey, null);
    }

    /**
     * A context with a key from PEM files that trusts only the certificates in
     * {@code trusted} (a private CA, say).
     *
     * @param certificateChain the certificate chain as PEM
     * @param privateKey the key as unencrypted PKCS#8 PEM
     * @param trusted PEM certificates to trust, or null for the JDK's default trust store
     * @return a TLS context
     * @throws IOException if a file cannot be read or parsed, naming it
     */
    public static SSLContext fromPem(Path certificateChain, Path privateKey, Path trusted) throws IOException {
        List<Certificate> chain = Pem.certificates(certificateChain);
        PrivateKey key = Pem.privateKey(privateKey);
        char[] password = new char[0];
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("key", key, password, chain.toArray(new Certificate[0]));
            return context(keys, password, trusted == null ? null : trustStore(trusted));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + certificateChain + " with " + privateKey + ": " + e.getMessage(), e);
        }
    }

    /**
     * A client context that trusts only the certificates in {@code trusted} (a private CA
     * or a self-signed server certificate) and has no key of its own.
     *
     * @param trusted PEM certificates to trust
     * @return a TLS context
     * @throws IOException if the file cannot be read or parsed, naming it
     */
    public static SSLContext trusting(Path trusted) throws IOException {
        try {
            return context(null, null, trustStore(trusted));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust " + trusted + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore trustStore(Path pem) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (Certificate c : Pem.certificates(pem)) {
            trust.setCertificateEntry("trusted-" + i++, c);
        }
        return trust;
    }

    private static SSLContext context(KeyStore keys, char[] password, KeyStore trust) throws GeneralSecurityException {
        KeyManagerFactory kmf = null;
        if (keys != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust); // null: the JDK's default trust store
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }
}
