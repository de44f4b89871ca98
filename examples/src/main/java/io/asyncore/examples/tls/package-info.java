/**
 * The seed's examples over TLS: {@link io.asyncore.examples.tls.TlsEchoServer} (the echo
 * handler unchanged, with a TLS layer under it), {@link io.asyncore.examples.tls.HTTPSClient}
 * (the HTTP client unchanged) and a minimal {@link io.asyncore.examples.tls.HttpsServer}.
 */
package io.asyncore.examples.tls;
