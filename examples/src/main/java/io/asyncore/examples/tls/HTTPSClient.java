package io.asyncore.examples.tls;

import io.asyncore.ChannelMap;
import io.asyncore.examples.HTTPClient;
import io.asyncore.tls.TlsConfig;
import io.asyncore.tls.TlsLayer;
import java.io.IOException;
import java.io.OutputStream;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;

/**
 * The seed's {@link HTTPClient} over TLS: its hooks unchanged, with a {@link TlsLayer}
 * installed between {@code createSocket} and {@code connect}. The request waits in
 * {@code writable()}/{@code handleWrite} until the handshake is done ({@code send} takes
 * nothing before); the server's certificate must name the host.
 */
public class HTTPSClient extends HTTPClient {

    /**
     * Connects to {@code host:port} in {@code map}, writing the response to {@code out}.
     *
     * @param host the server's host name or address
     * @param port the server's port
     * @param path the path to get
     * @param config the client's TLS settings
     * @param map the map; null to let the
     *     map rule of {@link io.asyncore.Dispatcher} choose
     * @param out where the response goes
     * @throws IOException if the host is unknown or the connect fails at once
     */
    public HTTPSClient(String host, int port, String path, TlsConfig config, ChannelMap map, OutputStream out) throws IOException {
        super(host, port, path, map, out, d -> TlsLayer.client(d, config, host, port));
    }

    /**
     * Runs the example: {@code HTTPSClient host [port [path]]} (port 443, path {@code /}),
     * trusting the JDK's default certificate authorities. A failure (refused, unknown
     * host, a certificate not trusted) prints one line and exits with status 1.
     *
     * @param args host, optional port, optional path
     */
    public static void main(String[] args) {
        run("HTTPSClient", args, 443, (host, port, path) -> {
            TlsConfig config;
            try {
                config = TlsConfig.builder(SSLContext.getDefault()).build();
            } catch (NoSuchAlgorithmException e) {
                throw new IOException("this JDK has no default TLS context", e);
            }
            return new HTTPSClient(host, port, path, config, null, System.out);
        });
    }
}
