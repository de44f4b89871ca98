/**
 * TLS for stream dispatchers on the JDK's {@link javax.net.ssl.SSLEngine}, with no other
 * dependency.
 *
 * <p>{@link io.asyncore.tls.TlsLayer} sits under a dispatcher's {@code recv} and
 * {@code send}: the hooks see plaintext, {@code readable()}/{@code writable()} keep
 * Python's meaning, and {@link io.asyncore.DispatcherWithSend} and
 * {@link io.asyncore.chat.AsyncChat} work over it unchanged. The handshake runs on the
 * loop without blocking it; a plaintext connection can switch to TLS in place
 * (STARTTLS). {@link io.asyncore.tls.TlsConfig} holds the settings around a user's
 * {@link javax.net.ssl.SSLContext}; {@link io.asyncore.tls.TlsContexts} makes one from
 * PKCS#12 or PEM files.
 *
 * <p>Threading: as for every dispatcher, everything runs on the loop thread, except the
 * engine's delegated tasks when {@link io.asyncore.tls.TlsConfig.Builder#taskExecutor}
 * names an executor.
 */
@Export
@Version("1.0.0")
package io.asyncore.tls;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
