package io.asyncore;

import java.io.IOException;
import java.net.SocketOption;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The socket options a program set before {@code listen}, carried over to the listening
 * socket that {@code listen} opens in place of the socket {@code createSocket} made (NIO
 * cannot turn one into the other). Python sets options on the one socket that later
 * listens, and Linux passes most of them on to every accepted connection.
 *
 * <p>Only options whose value differs from a fresh socket's are carried: setting a buffer
 * size locks it, and a listener must not lock what the program left to the kernel's
 * autotuning. Options the listening socket has ({@code SO_RCVBUF}, {@code SO_REUSEADDR},
 * {@code SO_REUSEPORT}, the keep-alive timings) are set on it; those the JDK offers only
 * on connected sockets ({@code SO_SNDBUF}, {@code TCP_NODELAY}, {@code SO_KEEPALIVE},
 * {@code SO_LINGER}, {@code IP_TOS}, ...) are set on each accepted connection, which is
 * where Linux's inheritance puts them. ({@code IPV6_V6ONLY} has no JDK option: IPv6
 * listeners are dual-stack, Linux's default.)
 */
final class ListenOptions {

    private final Map<SocketOption<?>, Object> forAccepted;

    private ListenOptions(Map<SocketOption<?>, Object> forAccepted) {
        this.forAccepted = forAccepted;
    }

    /**
     * Copies the options of {@code from} that differ from a fresh socket's onto {@code to}.
     *
     * @param from the socket {@code createSocket} made
     * @param to the listening socket
     * @param family their family
     * @return what to set on accepted connections, or null for nothing
     * @throws IOException if the listening socket refuses an option it supports
     */
    static ListenOptions carry(NetworkChannel from, ServerSocketChannel to, AddressFamily family) throws IOException {
        Map<SocketOption<?>, Object> rest = new LinkedHashMap<>();
        try (SocketChannel fresh = SocketChannel.open(family.protocolFamily())) {
            for (SocketOption<?> option : from.supportedOptions()) {
                Object value = valueOf(from, option);
                if (value == null || !fresh.supportedOptions().contains(option)
                        || Objects.equals(value, valueOf(fresh, option))) {
                    continue;
                }
                if (to.supportedOptions().contains(option)) {
                    set(to, option, value);
                } else {
                    rest.put(option, value);
                }
            }
        }
        return rest.isEmpty() ? null : new ListenOptions(rest);
    }

    /**
     * Sets the carried options on an accepted connection, as Linux would have passed them
     * on from the listening socket. Best effort: an option the connection refuses is left.
     *
     * @param accepted the new connection
     */
    void applyTo(SocketChannel accepted) {
        for (Map.Entry<SocketOption<?>, Object> e : forAccepted.entrySet()) {
            try {
                set(accepted, e.getKey(), e.getValue());
            } catch (IOException | RuntimeException ignored) {
                // the connection may already be reset; it keeps the kernel's value
            }
        }
    }

    private static Object valueOf(NetworkChannel channel, SocketOption<?> option) {
        try {
            return channel.getOption(option);
        } catch (IOException | RuntimeException e) {
            return null; // not readable on this socket: nothing to carry
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void set(NetworkChannel channel, SocketOption<T> option, Object value) throws IOException {
        channel.setOption(option, (T) value);
    }
}
