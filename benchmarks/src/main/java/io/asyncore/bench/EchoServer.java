package io.asyncore.bench;

/**
 * An echo server under test: listens on 127.0.0.1, sends back every byte it receives.
 * Implementations set {@code TCP_NODELAY} on accepted connections (Netty's default), so
 * that no server pays for Nagle's algorithm.
 */
public interface EchoServer extends AutoCloseable {

    /**
     * The listening port on 127.0.0.1.
     *
     * @return the port
     */
    int port();

    /**
     * Connections accepted and not yet closed.
     *
     * @return the count
     */
    int connections();

    /** Stops the server and closes every connection. */
    @Override
    void close();
}
