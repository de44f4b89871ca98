package io.asyncore.tls;

import java.io.IOException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Implemented by a dispatcher that wants to hear when its TLS handshake completed (to
 * read the negotiated application protocol, the requested server name or the peer's
 * certificates). Called on the loop thread with the error handling of the other hooks.
 */
@ConsumerType
public interface HandshakeListener {

    /**
     * The first handshake completed; application data flows from now on.
     *
     * @param tls the dispatcher's layer
     * @throws IOException for implementations
     */
    void handleHandshake(TlsLayer tls) throws IOException;
}
