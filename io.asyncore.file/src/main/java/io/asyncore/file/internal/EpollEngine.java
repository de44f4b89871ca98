package io.asyncore.file.internal;

import io.asyncore.spi.Engine;
import io.asyncore.spi.ReadinessBackend;
import java.io.IOException;

/**
 * An {@link Engine} whose backends are {@link EpollBackend}s: every raw descriptor of a map
 * in one epoll set, no poller thread, and no sockets.
 *
 * <p>Not a service: {@link io.asyncore.spi.Engines} has no choice per map, and installed
 * for the process this engine would refuse every socket dispatcher. It is installed
 * explicitly ({@link io.asyncore.spi.Engines#install}) where only descriptors are served,
 * as the tests do. Stateless and thread-safe.
 */
public final class EpollEngine implements Engine {

    /** The engine. */
    public EpollEngine() {}

    @Override
    public ReadinessBackend openBackend() throws IOException {
        return new EpollBackend();
    }
}
