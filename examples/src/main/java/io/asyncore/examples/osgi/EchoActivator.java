package io.asyncore.examples.osgi;

import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.examples.EchoServer;
import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/**
 * Starts the echo example inside OSGi: makes an {@link EchoServer} (socket created,
 * bound and listening) and registers it as a {@link Dispatcher} service. The
 * {@code io.asyncore.impl} bundle adopts whiteboard dispatchers into its
 * {@link io.asyncore.EventLoop}; the {@link io.asyncore.examples.EchoHandler}s the
 * server makes in {@code handleAccepted} join that loop's map by themselves.
 *
 * <p>Framework properties (or system properties, which Felix falls back to):
 * {@code asyncore.echo.host} (default {@code localhost}) and {@code asyncore.echo.port}
 * (default 8080). With {@code asyncore.echo.exitOnFailure=true}, which the runnable
 * launcher sets and a shared framework such as Karaf must not, a server that cannot
 * listen ends the whole process: one line on standard error, exit status 1.
 */
public final class EchoActivator implements BundleActivator {

    /** Framework property naming the host to bind. */
    public static final String HOST_PROPERTY = "asyncore.echo.host";
    /** Framework property naming the port to bind. */
    public static final String PORT_PROPERTY = "asyncore.echo.port";
    /** Framework property: {@code true} makes a failure to listen end the process. */
    public static final String EXIT_ON_FAILURE_PROPERTY = "asyncore.echo.exitOnFailure";

    private static final System.Logger LOG = System.getLogger(EchoActivator.class.getName());

    private EchoServer server;
    private ServiceRegistration<Dispatcher> registration;

    /** Made by the framework. */
    public EchoActivator() {}

    /**
     * Binds the echo server and offers it to the event loop.
     *
     * @param context this bundle's context
     * @throws Exception if the address is in use or the property is not a port
     */
    @Override
    public void start(BundleContext context) throws Exception {
        String host = property(context, HOST_PROPERTY, EchoServer.DEFAULT_HOST);
        String portText = property(context, PORT_PROPERTY, Integer.toString(EchoServer.DEFAULT_PORT));
        int port;
        try {
            port = Integer.parseInt(portText.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PORT_PROPERTY + " must be a port number, got " + portText, e);
        }
        // Made in a private map, never the shared default one, then taken out of it: a
        // whiteboard dispatcher waits in no map until the adopting loop puts it into its own.
        EchoServer echo;
        try {
            echo = new EchoServer(host, port, new ChannelMap("echo-unadopted")).logConnectionsAtDebug();
        } catch (IOException e) {
            if (!Boolean.parseBoolean(property(context, EXIT_ON_FAILURE_PROPERTY, "false"))) {
                throw e;
            }
            // Exit from another thread: System.exit runs the launcher's shutdown hook,
            // which stops the framework, which waits for this start() to return.
            System.err.println("echo-osgi: " + e.getMessage());
            Thread exit = new Thread(() -> System.exit(1), "echo-osgi-exit");
            exit.start();
            return;
        }
        echo.delChannel();
        server = echo;
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_DESCRIPTION, "asyncore echo server on " + echo.localAddress());
        properties.put("asyncore.echo.address", String.valueOf(echo.localAddress()));
        registration = context.registerService(Dispatcher.class, echo, properties);
        LOG.log(System.Logger.Level.INFO, "echo server listening on " + echo.localAddress());
    }

    /**
     * Withdraws the service (the adopting loop then closes the server and every
     * connection it accepted) and closes the listening socket in case no loop took it.
     *
     * @param context this bundle's context
     */
    @Override
    public void stop(BundleContext context) {
        ServiceRegistration<Dispatcher> reg = registration;
        registration = null;
        if (reg != null) {
            try {
                reg.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
        }
        EchoServer echo = server;
        server = null;
        if (echo != null) {
            echo.close();
        }
    }

    private static String property(BundleContext context, String name, String fallback) {
        String value = context.getProperty(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
