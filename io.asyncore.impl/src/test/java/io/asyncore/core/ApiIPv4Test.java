package io.asyncore.core;

import io.asyncore.AddressFamily;
import io.asyncore.testkit.NoLeaks;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.junit.jupiter.api.extension.ExtendWith;

/** CPython's {@code TestAPI_UseIPv4Sockets} (select and poll variants). */
@ExtendWith(NoLeaks.class)
class ApiIPv4Test extends ApiTestBase {

    @Override
    AddressFamily family() {
        return AddressFamily.INET;
    }

    @Override
    SocketAddress addr() {
        return new InetSocketAddress("127.0.0.1", 0);
    }
}
