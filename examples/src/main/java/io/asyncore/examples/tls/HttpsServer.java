package io.asyncore.examples.tls;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.chat.AsyncChat;
import io.asyncore.tls.TlsConfig;
import io.asyncore.tls.TlsContexts;
import io.asyncore.tls.TlsLayer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A minimal HTTPS server on {@link AsyncChat}: reads a request head up to the blank line
 * and answers {@code 200} with a short text naming the request line, then closes (with
 * {@code close_notify}). Try it with {@code curl --cacert cert.pem https://localhost:8443/}.
 */
public class HttpsServer extends Dispatcher {

    private final TlsConfig config;

    /**
     * Listens on {@code host:port} in {@code map}.
     *
     * @param host the address to bind
     * @param port the port; 0 lets the system choose
     * @param config the server's TLS settings
     * @param map the map, null for the default map
     * @throws IOException if the address is in use
     */
    public HttpsServer(String host, int port, TlsConfig config, ChannelMap map) throws IOException {
        super(map);
        this.config = config;
        createSocket(AddressFamily.of(new InetSocketAddress(host, port)));
        setReuseAddr();
        bind(new InetSocketAddress(host, port));
        listen(64);
    }

    @Override
    protected void handleAccepted(SocketChannel sock, SocketAddress addr) {
        TlsLayer.server(new Exchange(sock), config);
    }

    /** One request, one response. */
    static final class Exchange extends AsyncChat {
        private final StringBuilder head = new StringBuilder();

        Exchange(SocketChannel sock) {
            super(sock);
            setTerminator("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        protected void collectIncomingData(byte[] data) {
            head.append(new String(data, StandardCharsets.ISO_8859_1));
        }

        @Override
        protected void foundTerminator() throws IOException {
            String requestLine = head.toString().lines().findFirst().orElse("");
            byte[] body = ("hello over TLS: " + requestLine + "\n").getBytes(StandardCharsets.UTF_8);
            push(("HTTP/1.0 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            push(body);
            closeWhenDone();
        }
    }

    /**
     * Runs the example: {@code HttpsServer cert.pem key.pem [host [port]]} (localhost 8443
     * by default).
     *
     * @param args certificate, key, optional host and port
     * @throws IOException if the files cannot be read or the address is in use
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: HttpsServer cert.pem key.pem [host [port]]   (default localhost 8443)");
            System.exit(2);
        }
        TlsConfig config = TlsConfig.builder(TlsContexts.fromPem(Path.of(args[0]), Path.of(args[1])))
                .applicationProtocols("http/1.1").build();
        new HttpsServer(args.length > 2 ? args[2] : "localhost", args.length > 3 ? Integer.parseInt(args[3]) : 8443, config, null);
        Asyncore.loop();
    }
}
