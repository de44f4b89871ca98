package io.asyncore.examples;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;

/**
 * Python's {@code EchoServer(asyncore.dispatcher)}: listens, and hands every accepted
 * connection to an {@link EchoHandler}.
 *
 * <pre>{@code
 * class EchoServer(asyncore.dispatcher):
 *
 *     def __init__(self, host, port):
 *         asyncore.dispatcher.__init__(self)
 *         self.create_socket()
 *         self.set_reuse_addr()
 *         self.bind((host, port))
 *         self.listen(5)
 *
 *     def handle_accepted(self, sock, addr):
 *         print('Incoming connection from %s' % repr(addr))
 *         handler = EchoHandler(sock)
 *
 * server = EchoServer('localhost', 8080)
 * asyncore.loop()
 * }</pre>
 *
 * <p>Two differences: Python's {@code create_socket()} is always IPv4; here the socket's
 * family follows the host, so {@code ::1} works as well as {@code 127.0.0.1}. And it
 * listens with a backlog of {@value #BACKLOG}, not 5: the kernel holds at most backlog + 1
 * connections that wait for {@code accept}, and drops the rest of a burst, whose clients
 * then retry after a second or more (see the README's "Accepting under load").
 */
public class EchoServer extends Dispatcher {

    /** The host Python's example listens on. */
    public static final String DEFAULT_HOST = "localhost";
    /** The port Python's example listens on. */
    public static final int DEFAULT_PORT = 8080;
    /** The listen backlog: room for a burst of connections while the loop is busy. */
    public static final int BACKLOG = 128;

    /**
     * Python's {@code EchoServer(host, port)}: a listening socket in the default map.
     *
     * @param host the host name or address to bind
     * @param port the port; 0 lets the system choose (see {@link #localAddress()})
     * @throws IOException if the address is in use or cannot be bound
     */
    public EchoServer(String host, int port) throws IOException {
        this(host, port, null);
    }

    /**
     * A listening socket in {@code map}; accepted connections join the same map.
     *
     * @param host the host name or address to bind
     * @param port the port; 0 lets the system choose (see {@link #localAddress()})
     * @param map the map; null to let the
     *     map rule of {@link io.asyncore.Dispatcher} choose
     * @throws IOException if the address is in use or cannot be bound
     */
    public EchoServer(String host, int port, ChannelMap map) throws IOException {
        super(map);
        InetSocketAddress address = resolve(host, port);
        createSocket(AddressFamily.of(address));
        try {
            setReuseAddr();
            bind(address);
            listen(BACKLOG);
        } catch (IOException | RuntimeException e) {
            // Unlike Python, leave no half-made dispatcher behind in the map.
            close();
            if (e instanceof BindException) {
                BindException named = new BindException("cannot listen on " + address + ": " + e.getMessage());
                named.initCause(e);
                throw named;
            }
            throw e;
        }
    }

    /** Whether the per-connection lines go to standard output, as the seed's print does. */
    private boolean printConnections = true;

    /**
     * Sends the per-connection "Incoming connection" lines to {@link System.Logger} at
     * DEBUG instead of standard output: for a server inside a framework whose console is
     * a shell prompt.
     *
     * @return this server
     */
    public EchoServer logConnectionsAtDebug() {
        printConnections = false;
        return this;
    }

    @Override
    protected void handleAccepted(SocketChannel sock, SocketAddress addr) {
        if (printConnections) {
            System.out.println("Incoming connection from " + addr);
        } else {
            System.getLogger(EchoServer.class.getName()).log(System.Logger.Level.DEBUG, "Incoming connection from " + addr);
        }
        // No map given: the handler joins the map this server is served from.
        new EchoHandler(sock);
    }

    /**
     * Runs the example: {@code EchoServer [host [port]]}, by default on localhost:8080,
     * serving the default map with {@link Asyncore#loop()} until the process ends. If it
     * cannot listen, it says why in one line and exits with status 1.
     *
     * @param args optional host, then optional port
     * @throws IOException if the listening socket's address cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length > 2) {
            System.err.println("usage: EchoServer [host [port]]   (default: " + DEFAULT_HOST + " " + DEFAULT_PORT + ")");
            System.exit(2);
        }
        String host = args.length > 0 ? args[0] : DEFAULT_HOST;
        int port = args.length > 1 ? parsePort(args[1]) : DEFAULT_PORT;
        EchoServer server;
        try {
            server = new EchoServer(host, port);
        } catch (IOException e) { // address in use, unknown host: one line, status 1
            Failure.exit("EchoServer", e);
            return;
        }
        // Not in Python's example: says where it listens, so scripts know when to connect.
        System.out.println("Echo server listening on " + server.localAddress());
        Asyncore.loop();
    }

    static InetSocketAddress resolve(String host, int port) throws UnknownHostException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new UnknownHostException("cannot resolve host " + host);
        }
        return address;
    }

    static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + text);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port must be a number, got " + text, e);
        }
    }
}
