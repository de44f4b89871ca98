package io.asyncore.examples.tls;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.examples.EchoHandler;
import io.asyncore.tls.TlsConfig;
import io.asyncore.tls.TlsContexts;
import io.asyncore.tls.TlsLayer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The seed's echo server over TLS: the same {@link EchoHandler}, with a {@link TlsLayer}
 * under it. Try it with {@code openssl s_client -connect localhost:8443}.
 */
public class TlsEchoServer extends Dispatcher {

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
    public TlsEchoServer(String host, int port, TlsConfig config, ChannelMap map) throws IOException {
        super(map);
        this.config = config;
        createSocket(AddressFamily.of(new InetSocketAddress(host, port)));
        setReuseAddr();
        bind(new InetSocketAddress(host, port));
        listen(5);
    }

    @Override
    protected void handleAccepted(SocketChannel sock, SocketAddress addr) {
        System.out.println("Incoming TLS connection from " + addr);
        TlsLayer.server(new EchoHandler(sock), config);
    }

    /**
     * Runs the example: {@code TlsEchoServer cert.pem key.pem [host [port]]} (PEM
     * certificate chain and PKCS#8 key; localhost 8443 by default).
     *
     * @param args certificate, key, optional host and port
     * @throws IOException if the files cannot be read or the address is in use
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: TlsEchoServer cert.pem key.pem [host [port]]   (default localhost 8443)");
            System.exit(2);
        }
        TlsConfig config = TlsConfig.builder(TlsContexts.fromPem(Path.of(args[0]), Path.of(args[1]))).build();
        String host = args.length > 2 ? args[2] : "localhost";
        int port = args.length > 3 ? Integer.parseInt(args[3]) : 8443;
        new TlsEchoServer(host, port, config, null);
        Asyncore.loop();
    }
}
