package io.asyncore;

import java.net.SocketAddress;

/**
 * One datagram received by {@link Dispatcher#recvFrom(int)}: Python's
 * {@code (data, address)} pair.
 *
 * @param data the bytes received
 * @param address the sender
 */
public record Datagram(byte[] data, SocketAddress address) {
}
