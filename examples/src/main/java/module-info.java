/**
 * The Python asyncore documentation's examples in Java: an echo server and an HTTP/1.0
 * client, runnable on the module path ({@code java -p api.jar:impl.jar:examples.jar -m
 * io.asyncore.examples/io.asyncore.examples.EchoServer}), plus an OSGi activator that
 * offers the echo server to {@code io.asyncore.impl}'s event loop as a whiteboard
 * {@code Dispatcher} service.
 *
 * <p>The engine ({@code io.asyncore.impl}) is not required here: the api finds it
 * through {@link java.util.ServiceLoader}, so it only has to be on the module path.
 * {@code osgi.core} is needed only by the activator, which nothing loads outside a
 * framework.
 */
module io.asyncore.examples {
    requires io.asyncore.api;
    requires static osgi.core;

    exports io.asyncore.examples;
    exports io.asyncore.examples.tls;
}
