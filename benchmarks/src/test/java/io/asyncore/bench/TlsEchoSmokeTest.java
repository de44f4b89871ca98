package io.asyncore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The TLS echo benchmark's servers for a moment each, with every byte checked by
 * {@link TlsEchoLoad}. Not a measurement.
 */
class TlsEchoSmokeTest {

    @Test
    void bothTlsServersEchoEveryByte() throws Exception {
        TlsEchoBenchmark.Contexts contexts = TlsEchoBenchmark.Contexts.make();
        for (String kind : new String[] {"asyncore", "netty"}) {
            try (EchoServer server = TlsEchoBenchmark.start(kind, contexts.server())) {
                for (int size : new int[] {64, 16 * 1024}) {
                    TlsEchoLoad.Result r = TlsEchoLoad.run(contexts.client(), server.port(), 4, size, 0, 500);
                    assertTrue(r.verified() >= 4, kind + " echoed " + r.verified() + " messages at " + size + " B");
                }
            }
        }
    }

    /** The check above holds on a busy machine: a connection whose thread starts after the window still echoes once. */
    @Test
    void everyConnectionEchoesOnceWhateverTheWindow() throws Exception {
        TlsEchoBenchmark.Contexts contexts = TlsEchoBenchmark.Contexts.make();
        try (EchoServer server = TlsEchoBenchmark.start("asyncore", contexts.server())) {
            TlsEchoLoad.Result r = TlsEchoLoad.run(contexts.client(), server.port(), 4, 64, 0, 0);
            assertEquals(4, r.verified(), "one checked message per connection");
            assertEquals(0, r.messages(), "none counted in an empty window");
        }
    }
}
