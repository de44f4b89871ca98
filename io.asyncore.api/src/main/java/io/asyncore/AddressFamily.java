package io.asyncore;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;

/** Python's {@code AF_INET}, {@code AF_INET6} and {@code AF_UNIX}. */
public enum AddressFamily {
    /** IPv4: {@link InetSocketAddress} with an IPv4 (or unresolved) host. */
    INET(StandardProtocolFamily.INET),
    /** IPv6: {@link InetSocketAddress}; IPv4 hosts are reached as mapped addresses. */
    INET6(StandardProtocolFamily.INET6),
    /** Unix-domain sockets: {@link UnixDomainSocketAddress}, path under 108 bytes. */
    UNIX(StandardProtocolFamily.UNIX);

    private final ProtocolFamily protocolFamily;

    AddressFamily(ProtocolFamily protocolFamily) {
        this.protocolFamily = protocolFamily;
    }

    /**
     * The JDK protocol family.
     *
     * @return the matching {@link StandardProtocolFamily}
     */
    public ProtocolFamily protocolFamily() {
        return protocolFamily;
    }

    /**
     * The family an address belongs to.
     *
     * @param address an address
     * @return its family
     * @throws IllegalArgumentException for an address type asyncore does not know
     */
    public static AddressFamily of(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress) {
            return UNIX;
        }
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress() == null || inet.getAddress() instanceof Inet4Address ? INET : INET6;
        }
        throw new IllegalArgumentException("unsupported address type "
                + (address == null ? "null" : address.getClass().getName()));
    }

    /**
     * Checks that a socket of this family can use {@code address}.
     *
     * @param address the address given to bind, connect or sendTo
     * @param operation the operation, for the message
     * @return the address
     * @throws NullPointerException if {@code address} is null
     * @throws IllegalArgumentException if the address belongs to another family, or is an
     *     unresolved host name (the JDK's own exception for that has no message)
     */
    SocketAddress check(SocketAddress address, String operation) {
        if (address == null) {
            throw new NullPointerException(operation + ": address is null");
        }
        if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
            throw new IllegalArgumentException(operation + ": address " + address
                    + " is unresolved: host " + inet.getHostString() + " has no known IP address");
        }
        boolean fits = switch (this) {
            case UNIX -> address instanceof UnixDomainSocketAddress;
            case INET -> address instanceof InetSocketAddress inet
                    && (inet.getAddress() == null || inet.getAddress() instanceof Inet4Address);
            case INET6 -> address instanceof InetSocketAddress;
        };
        if (!fits) {
            throw new IllegalArgumentException(operation + ": address " + address + " is "
                    + describe(address) + " but this socket is " + this);
        }
        return address;
    }

    private static String describe(SocketAddress address) {
        try {
            return "an " + of(address) + " address";
        } catch (IllegalArgumentException e) {
            return "of type " + address.getClass().getName();
        }
    }
}
