package io.asyncore.examples.chat;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A chat room: listens, makes a {@link ChatSession} of every connection, and relays
 * every line a session receives to all other sessions.
 *
 * <p>Protocol: lines end with {@code \n} (a {@code \r} before it is dropped, so
 * {@code telnet} and {@code nc -C} work); each complete line is sent unchanged, with
 * {@code \n}, to every other client, never back to its sender. A line longer than
 * {@link #MAX_LINE_BYTES} disconnects its sender, and so does a client that stops
 * reading while more than the high watermark of its output waits
 * ({@link io.asyncore.OutputFlow#SUGGESTED_HIGH_WATERMARK}), so one bad client cannot make
 * the server buffer without end. A client idle both ways for {@link #IDLE_TIMEOUT} (or
 * what {@link #setClientIdleTimeout(Duration)} set) is closed, so silent connections do not
 * pile up; asyncore itself has no idle timeout unless asked, as in Python.
 *
 * <p>Joins and leaves are logged at DEBUG (Python's {@code log}), one line each, so a
 * flood of connections does not become a flood of log.
 *
 * <p>Threading: everything runs on the thread that serves the map; the room's set of
 * sessions is touched only there.
 */
public class ChatRoomServer extends Dispatcher {

    /** The host {@link #main} listens on by default. */
    public static final String DEFAULT_HOST = "localhost";
    /** The port {@link #main} listens on by default. */
    public static final int DEFAULT_PORT = 8023;
    /** The longest line a client may send, {@code \r\n} excluded: 4 KiB. */
    public static final int MAX_LINE_BYTES = 4096;
    /** How long a client may neither send nor take anything before it is closed: 10 minutes. */
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);

    private final Set<ChatSession> sessions = new LinkedHashSet<>();
    private Duration idleTimeout = IDLE_TIMEOUT;

    /**
     * A chat room listening on {@code host:port}, in the map being served here (see
     * {@link Dispatcher}), else the default map.
     *
     * @param host the host name or address to bind
     * @param port the port; 0 lets the system choose (see {@link #localAddress()})
     * @throws IOException if the address is in use or cannot be bound
     */
    public ChatRoomServer(String host, int port) throws IOException {
        this(host, port, null);
    }

    /**
     * A chat room listening on {@code host:port} in {@code map}; sessions join the same map.
     *
     * @param host the host name or address to bind
     * @param port the port; 0 lets the system choose (see {@link #localAddress()})
     * @param map the map; null to let the
     *     map rule of {@link io.asyncore.Dispatcher} choose
     * @throws IOException if the address is in use or cannot be bound
     */
    public ChatRoomServer(String host, int port, ChannelMap map) throws IOException {
        super(map);
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new UnknownHostException("cannot resolve host " + host);
        }
        createSocket(AddressFamily.of(address));
        setReuseAddr();
        bind(address);
        listen(64);
    }

    @Override
    protected void handleAccepted(SocketChannel channel, SocketAddress address) {
        // No map given: the session joins the map this server is served from.
        ChatSession session = new ChatSession(channel, this);
        sessions.add(session);
        log("joined: " + address + " (" + sessions.size() + " in the room)");
    }

    /**
     * Sends {@code line} to every session but {@code from}. Called by sessions, on the
     * loop thread.
     *
     * @param from the sender
     * @param line the line, without terminator
     * @throws IOException if writing to a session fails
     */
    void relay(ChatSession from, byte[] line) throws IOException {
        byte[] out = new byte[line.length + 1];
        System.arraycopy(line, 0, out, 0, line.length);
        out[line.length] = '\n';
        // A copy: a push may close a slow session, which leaves the set.
        for (ChatSession to : new ArrayList<>(sessions)) {
            if (to != from) {
                to.deliver(out);
            }
        }
    }

    /** A session closed: it leaves the room. */
    void left(ChatSession session) {
        if (sessions.remove(session)) {
            log("left: " + session.address() + " (" + sessions.size() + " in the room)");
        }
    }

    /**
     * Sets the idle timeout of clients that join from now on.
     *
     * @param timeout how long a client may neither send nor take anything; null or zero
     *     keeps idle clients forever
     */
    public void setClientIdleTimeout(Duration timeout) {
        idleTimeout = timeout;
    }

    /**
     * The idle timeout of clients that join.
     *
     * @return the timeout, {@link #IDLE_TIMEOUT} unless set
     */
    public Duration clientIdleTimeout() {
        return idleTimeout;
    }

    /**
     * How many clients are in the room. Ask on the loop thread.
     *
     * @return the number of open sessions
     */
    public int sessionCount() {
        return sessions.size();
    }

    /**
     * The sessions, for inspection on the loop thread.
     *
     * @return a copy of the open sessions
     */
    public List<ChatSession> sessions() {
        return new ArrayList<>(sessions);
    }

    /** Closing the room closes every session in it too. */
    @Override
    public void close() {
        super.close();
        for (ChatSession session : new ArrayList<>(sessions)) {
            session.close();
        }
    }

    /**
     * Runs the chat room: {@code ChatRoomServer [host [port]]}, by default on
     * localhost:8023, serving the default map until the process ends.
     *
     * @param args optional host, then optional port
     * @throws IOException if the listening socket's address cannot be read (if it cannot
     *     listen, it says why in one line and exits with status 1)
     */
    public static void main(String[] args) throws IOException {
        if (args.length > 2) {
            System.err.println("usage: ChatRoomServer [host [port]]   (default: " + DEFAULT_HOST + " " + DEFAULT_PORT + ")");
            System.exit(2);
        }
        String host = args.length > 0 ? args[0] : DEFAULT_HOST;
        int port = args.length > 1 ? parsePort(args[1]) : DEFAULT_PORT;
        ChatRoomServer server;
        try {
            server = new ChatRoomServer(host, port);
        } catch (IOException e) { // address in use, unknown host: one line, status 1
            io.asyncore.examples.Failure.exit("ChatRoomServer",
                    new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e));
            return;
        }
        System.out.println("Chat room listening on " + server.localAddress());
        Asyncore.loop();
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
