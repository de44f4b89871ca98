package io.asyncore.core;

import io.asyncore.AddressFamily;
import io.asyncore.testkit.NoLeaks;
import java.net.SocketAddress;
import org.junit.jupiter.api.extension.ExtendWith;

/** CPython's {@code TestAPI_UseUnixSockets} (select and poll variants). */
@ExtendWith(NoLeaks.class)
class ApiUnixTest extends ApiTestBase {

    @Override
    AddressFamily family() {
        return AddressFamily.UNIX;
    }

    @Override
    SocketAddress addr() {
        return unixPath();
    }
}
