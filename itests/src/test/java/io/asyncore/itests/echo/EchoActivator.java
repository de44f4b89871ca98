package io.asyncore.itests.echo;

import io.asyncore.Dispatcher;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The test bundle {@code io.asyncore.itests.echo}: registers an {@link EchoServer} as a
 * {@link Dispatcher} service (properties {@code asyncore.itests=echo} and {@code port}), and
 * a {@link Runnable} service ({@code asyncore.itests=unregister}) that unregisters it
 * without stopping the bundle.
 */
public final class EchoActivator implements BundleActivator, Runnable {

    private volatile ServiceRegistration<Dispatcher> registration;
    private ServiceRegistration<Runnable> control;

    /** Made by the framework. */
    public EchoActivator() {}

    @Override
    public void start(BundleContext context) throws Exception {
        EchoServer server = new EchoServer();
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("asyncore.itests", "echo");
        properties.put("port", server.port());
        registration = context.registerService(Dispatcher.class, server, properties);
        Hashtable<String, Object> controlProperties = new Hashtable<>();
        controlProperties.put("asyncore.itests", "unregister");
        control = context.registerService(Runnable.class, this, controlProperties);
    }

    /** Unregisters the echo server's service; the bundle stays active. */
    @Override
    public void run() {
        ServiceRegistration<Dispatcher> r = registration;
        registration = null;
        if (r != null) {
            r.unregister();
        }
    }

    @Override
    public void stop(BundleContext context) {
        // The framework unregisters both services; the whiteboard then closes the server.
        control = null;
        registration = null;
    }
}
