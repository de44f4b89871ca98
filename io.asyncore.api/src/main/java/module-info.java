/**
 * The asyncore programming model: Python's single-threaded readiness loop for Java.
 *
 * <p>Applications extend {@link io.asyncore.Dispatcher} (or
 * {@link io.asyncore.DispatcherWithSend}, or {@link io.asyncore.chat.AsyncChat}) and
 * run {@link io.asyncore.Asyncore#loop()} or an {@link io.asyncore.EventLoop}. The
 * engine that waits for readiness is found through {@link java.util.ServiceLoader}
 * ({@code io.asyncore.impl} provides one); this module has no dependency at run time.
 */
module io.asyncore.api {
    requires static org.osgi.annotation.versioning;
    requires static org.osgi.annotation.bundle;

    exports io.asyncore;
    exports io.asyncore.chat;
    exports io.asyncore.spi;
    exports io.asyncore.tls;

    uses io.asyncore.spi.Engine;
}
