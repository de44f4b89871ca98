package io.asyncore.examples;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Python's {@code HTTPClient(asyncore.dispatcher)}: sends an HTTP/1.0 {@code GET} and
 * prints the response as it arrives, until the server closes the connection.
 *
 * <pre>{@code
 * class HTTPClient(asyncore.dispatcher):
 *
 *     def __init__(self, host, path):
 *         asyncore.dispatcher.__init__(self)
 *         self.create_socket()
 *         self.connect( (host, 80) )
 *         self.buffer = bytes('GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' %
 *                             (path, host), 'ascii')
 *
 *     def handle_connect(self):
 *         pass
 *
 *     def handle_close(self):
 *         self.close()
 *
 *     def handle_read(self):
 *         print(self.recv(8192))
 *
 *     def writable(self):
 *         return (len(self.buffer) > 0)
 *
 *     def handle_write(self):
 *         sent = self.send(self.buffer)
 *         self.buffer = self.buffer[sent:]
 *
 * client = HTTPClient('www.python.org', '/')
 * asyncore.loop()
 * }</pre>
 *
 * <p>Differences: the port is a parameter; Python prints each chunk's {@code repr},
 * this writes the raw bytes; the socket's family follows the host.
 */
public class HTTPClient extends Dispatcher {

    private final OutputStream out;
    private byte[] buffer;
    private IOException failure;

    /**
     * Python's {@code HTTPClient(host, path)}: connects to port 80, in the default map.
     *
     * @param host the server's host name or address
     * @param path the path to get, such as {@code /}
     * @throws IOException if the host is unknown or the connect fails at once
     */
    public HTTPClient(String host, String path) throws IOException {
        this(host, 80, path);
    }

    /**
     * Connects to {@code host:port}, in the default map, printing to {@link System#out}.
     *
     * @param host the server's host name or address
     * @param port the server's port
     * @param path the path to get, such as {@code /}
     * @throws IOException if the host is unknown or the connect fails at once
     */
    public HTTPClient(String host, int port, String path) throws IOException {
        this(host, port, path, null, System.out);
    }

    /**
     * Connects to {@code host:port} in {@code map}, writing the response to {@code out}.
     *
     * @param host the server's host name or address
     * @param port the server's port
     * @param path the path to get, such as {@code /}
     * @param map the map; null to let the
     *     map rule of {@link io.asyncore.Dispatcher} choose
     * @param out where the response goes, chunk by chunk
     * @throws IOException if the host is unknown or the connect fails at once
     */
    public HTTPClient(String host, int port, String path, ChannelMap map, OutputStream out) throws IOException {
        this(host, port, path, map, out, null);
    }

    /**
     * For variants that prepare the socket before it connects, such as
     * {@code io.asyncore.examples.tls.HTTPSClient}, which puts TLS under it.
     *
     * @param host the server's host name or address
     * @param port the server's port
     * @param path the path to get
     * @param map the map; null to let the
     *     map rule of {@link io.asyncore.Dispatcher} choose
     * @param out where the response goes
     * @param beforeConnect runs between {@code createSocket} and {@code connect}, or null
     * @throws IOException if the host is unknown or the connect fails at once
     */
    protected HTTPClient(String host, int port, String path, ChannelMap map, OutputStream out,
            Consumer<Dispatcher> beforeConnect) throws IOException {
        super(map);
        this.out = out;
        buffer = ("GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        InetSocketAddress address = EchoServer.resolve(host, port);
        createSocket(AddressFamily.of(address));
        try {
            if (beforeConnect != null) {
                beforeConnect.accept(this);
            }
            connect(address);
        } catch (IOException | RuntimeException e) {
            close(); // leave no half-made dispatcher behind in the map
            throw e;
        }
    }

    @Override
    protected void handleConnect() {
        // pass
    }

    /**
     * Not in Python's example (which prints the traceback): a connect that fails (refused,
     * unreachable) is kept for {@link #failure()} and closes the client quietly; any other
     * error takes the default path.
     *
     * @param error what a hook threw
     */
    @Override
    public void handleError(Throwable error) {
        if (error instanceof IOException io && !isConnected() && failure == null) {
            failure = io;
            close();
            return;
        }
        super.handleError(error);
    }

    /**
     * Why the connection could not be made.
     *
     * @return the connect's error, or null if it connected (or is still connecting)
     */
    public IOException failure() {
        return failure;
    }

    @Override
    public void handleClose() {
        close();
    }

    @Override
    protected void handleRead() throws IOException {
        out.write(recv(8192));
        out.flush();
    }

    @Override
    public boolean writable() {
        return buffer.length > 0;
    }

    @Override
    protected void handleWrite() throws IOException {
        int sent = send(buffer);
        buffer = Arrays.copyOfRange(buffer, sent, buffer.length);
    }

    /**
     * Runs the example: {@code HTTPClient host [port [path]]} (port 80 and path {@code /}
     * by default), serving the default map with {@link Asyncore#loop()} until the server
     * closes the connection. If it cannot connect, it says why in one line and exits with
     * status 1.
     *
     * @param args host, optional port, optional path
     */
    public static void main(String[] args) {
        run("HTTPClient", args, 80, HTTPClient::new);
    }

    /** Makes the client {@link #run} serves. */
    @FunctionalInterface
    protected interface Maker {
        /**
         * Makes a client of {@code path} at {@code host:port}; it joins the default map.
         *
         * @param host the host
         * @param port the port
         * @param path the path
         * @return the client
         * @throws IOException if it cannot start connecting
         */
        HTTPClient make(String host, int port, String path) throws IOException;
    }

    /**
     * The command line of {@code program host [port [path]]}: makes the client, serves the
     * default map until the server closes, and on a failed connect says why in one line and
     * exits with status 1 (status 2 on a usage error).
     *
     * @param program the program's name, for messages
     * @param args host, optional port, optional path
     * @param defaultPort the port when none is given
     * @param maker makes the client
     */
    protected static void run(String program, String[] args, int defaultPort, Maker maker) {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: " + program + " host [port [path]]   (default port " + defaultPort + ", path /)");
            System.exit(2);
        }
        String host = args[0];
        int port = args.length > 1 ? EchoServer.parsePort(args[1]) : defaultPort;
        String path = args.length > 2 ? args[2] : "/";
        try {
            HTTPClient client = maker.make(host, port, path);
            Asyncore.loop();
            if (client.failure() != null) {
                throw client.failure();
            }
        } catch (IOException e) { // refused, unreachable, unknown host: one line, status 1
            Failure.exit(program, new IOException("cannot get " + path + " from " + host + ":" + port
                    + ": " + e.getMessage(), e));
        }
    }
}
