package io.asyncore.core;

import io.asyncore.AddressFamily;
import io.asyncore.testkit.NoLeaks;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.junit.jupiter.api.extension.ExtendWith;

/** CPython's {@code TestAPI_UseIPv6Sockets} (select and poll variants). */
@ExtendWith(NoLeaks.class)
class ApiIPv6Test extends ApiTestBase {

    @Override
    AddressFamily family() {
        return AddressFamily.INET6;
    }

    @Override
    SocketAddress addr() {
        return new InetSocketAddress("::1", 0);
    }
}
