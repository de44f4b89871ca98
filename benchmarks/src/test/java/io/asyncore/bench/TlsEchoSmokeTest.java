package io.asyncore.bench;

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
}
