package io.asyncore;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/** A dispatcher's face in logs: Python's {@code repr} and the levels of {@code log_info}. */
final class Repr {

    private Repr() {}

    /** {@code <com.example.EchoHandler connected 127.0.0.1:54321 at 0x1b2c3d>}. */
    static String of(Dispatcher d) {
        StringBuilder s = new StringBuilder("<").append(d.getClass().getName());
        if (d.accepting && d.addr != null) {
            s.append(" listening");
        } else if (d.connected) {
            s.append(" connected");
        }
        if (d.addr != null) {
            s.append(' ').append(format(d.addr));
        }
        return s.append(" at 0x").append(Integer.toHexString(System.identityHashCode(d))).append('>').toString();
    }

    /** The level Python's log type maps to: {@code error} and {@code warning} as named, else INFO. */
    static Level level(String type) {
        return switch (type) {
            case "error" -> Level.ERROR;
            case "warning" -> Level.WARNING;
            default -> Level.INFO;
        };
    }

    private static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getHostString();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            return unix.getPath().toString();
        }
        return String.valueOf(address);
    }
}
