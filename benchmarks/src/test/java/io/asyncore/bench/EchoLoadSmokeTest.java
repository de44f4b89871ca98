package io.asyncore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * The load generator against the plain JDK server and our zero-copy server for a moment:
 * every echoed byte is verified by {@link EchoLoad}, so a wrong byte fails the test. Not a
 * measurement; the benchmark itself never runs in the build.
 */
class EchoLoadSmokeTest {

    @Test
    void jdkServerEchoesEveryByte() throws Exception {
        smoke(new JdkEchoServer());
    }

    @Test
    void zeroCopyServerOnTwoLoopsEchoesEveryByte() throws Exception {
        smoke(new AsyncoreEchoServer(AsyncoreEchoServer.Style.ZERO_COPY, 2));
    }

    @Test
    void dispatcherWithSendServerEchoesEveryByte() throws Exception {
        smoke(new AsyncoreEchoServer(AsyncoreEchoServer.Style.SEND, 1));
    }

    private static void smoke(EchoServer server) throws Exception {
        try (server) {
            var config = new EchoLoad.Config(new InetSocketAddress("127.0.0.1", server.port()), 4, 2, 2, 1000);
            try (EchoLoad load = new EchoLoad(config)) {
                EchoLoad.Result result = load.run(200_000_000L, 500_000_000L, null, null);
                assertTrue(result.messages() > 0, "no message came back");
                assertTrue(result.bytesVerified() >= result.messages() * 1000, "bytes verified");
                assertEquals(result.messages(), result.latencyNanos().getTotalCount());
            }
        }
    }
}
