package io.asyncore;

/** Python's {@code SOCK_STREAM} and {@code SOCK_DGRAM}. */
public enum SocketType {
    /** A connected byte stream: TCP, or a Unix-domain stream socket. */
    STREAM,
    /** Datagrams: UDP (Unix-domain datagram sockets are not offered by the JDK). */
    DGRAM
}
