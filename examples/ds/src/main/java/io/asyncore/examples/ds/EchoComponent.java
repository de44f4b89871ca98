package io.asyncore.examples.ds;

import io.asyncore.AddressFamily;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The echo server as a Declarative Services component: a whiteboard {@link Dispatcher}
 * with no glue code. DS registers the component as a {@code Dispatcher} service; its
 * socket is made in {@link #activate}, the loop of {@code io.asyncore.impl} adopts it, and
 * when the component goes away (its configuration deleted, the bundle stopped) the loop
 * closes it and every connection it accepted.
 *
 * <p>Configured by PID {@value #PID} (required: without a configuration nothing listens):
 * {@code host} (default {@code localhost}), {@code port} (default 8081), and optionally
 * {@code asyncore.target}, an LDAP filter naming the loop to join, such as
 * {@code (name=example)}; DS copies configuration values into service properties, which
 * is where the whiteboard reads it. In Karaf:
 *
 * <pre>
 * config:edit io.asyncore.examples.echo
 * config:property-set port 8081
 * config:property-set asyncore.target "(name=example)"
 * config:update
 * </pre>
 */
@Component(service = Dispatcher.class, configurationPid = EchoComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
public final class EchoComponent extends Dispatcher {

    /** The component's configuration PID. */
    public static final String PID = "io.asyncore.examples.echo";

    /** The component's configuration, as DS hands it over. */
    @interface Config {
        /** @return the host name or address to bind */
        String host() default "localhost";

        /** @return the port to bind; 0 lets the system choose */
        int port() default 8081;
    }

    /**
     * Made by DS. The socket is made in a private map, never the shared default one, and
     * taken out of it in {@link #activate}: a whiteboard dispatcher waits in no map until
     * the adopting loop puts it into its own.
     */
    public EchoComponent() {
        super(new ChannelMap("echo-component-unadopted"));
    }

    /**
     * Creates, binds and listens, before DS registers the service.
     *
     * @param config the component's configuration
     * @throws IOException if the address is in use or cannot be bound
     */
    @Activate
    void activate(Config config) throws IOException {
        InetAddress host = InetAddress.getByName(config.host());
        createSocket(host instanceof Inet6Address ? AddressFamily.INET6 : AddressFamily.INET);
        setReuseAddr();
        bind(new InetSocketAddress(host, config.port()));
        listen(5);
        delChannel();
        logInfo("echo component listening on " + localAddress());
    }

    /** Closes the socket in case no loop adopted it (an adopting loop closed it already). */
    @Deactivate
    void deactivate() {
        close();
    }

    @Override
    protected void handleAccepted(SocketChannel sock, SocketAddress addr) {
        new EchoHandler(sock); // joins the adopting loop's map: it runs on that loop's thread
    }
}
