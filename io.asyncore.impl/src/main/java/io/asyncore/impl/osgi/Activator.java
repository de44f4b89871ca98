package io.asyncore.impl.osgi;

import io.asyncore.EventLoop;
import io.asyncore.impl.SelectorEngine;
import io.asyncore.spi.Engines;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.Supplier;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Bundle {@code io.asyncore.impl}: installs the Selector engine, starts the framework's
 * default loop (named by framework property {@value LoopConfig#NAME}, default
 * {@value LoopConfig#DEFAULT_NAME}), publishes it as an {@link EventLoop} service, runs
 * the dispatcher whiteboard and the shell commands, and, when Config Admin is there, runs
 * one more loop per factory configuration {@value LoopConfig#FACTORY_PID}. Stopping the
 * bundle undoes all of it, in reverse, and joins the loop threads.
 */
public final class Activator implements BundleActivator {

    private static final System.Logger LOG = io.asyncore.spi.Logging.logger(Activator.class.getName());

    private SelectorEngine engine;
    private LogServiceSink logSink;
    private ServedLoop defaultLoop;
    private Whiteboard whiteboard;
    private AutoCloseable configurations;
    private ServiceRegistration<?> commandsRegistration;

    /** Made by the framework. */
    public Activator() {}

    @Override
    public void start(BundleContext context) throws Exception {
        logSink = LogServiceSink.open(context); // from here on, log lines name this bundle
        LoopConfig config = LoopConfig.from(context::getProperty);
        engine = new SelectorEngine();
        Engines.install(engine);
        try {
            defaultLoop = ServedLoop.start(engine, config, null);
            whiteboard = new Whiteboard(context, defaultLoop);
            defaultLoop.publish(context);
            whiteboard.open();
            if (configAdminWired()) {
                configurations = LoopConfigurations.open(context, engine, whiteboard, config.name());
            }
            commandsRegistration = context.registerService(Object.class.getName(),
                    new Commands(context, whiteboard, refusals(configurations)), Commands.properties());
        } catch (Exception | Error e) {
            stop(context);
            throw e;
        }
    }

    /** The configurations' refusals, or none without Config Admin. */
    @SuppressWarnings("unchecked")
    private static Supplier<List<String>> refusals(AutoCloseable configurations) {
        return configurations instanceof Supplier<?> s ? (Supplier<List<String>>) s : List::of;
    }

    /**
     * Whether package {@code org.osgi.service.cm} is wired to this bundle (its import is
     * optional): only then may {@link LoopConfigurations} be loaded.
     */
    private static boolean configAdminWired() {
        try {
            Class.forName("org.osgi.service.cm.ManagedServiceFactory", false, Activator.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.log(Level.DEBUG, "no Config Admin API: only the default loop runs");
            return false;
        }
    }

    @Override
    public void stop(BundleContext context) {
        if (commandsRegistration != null) {
            try {
                commandsRegistration.unregister();
            } catch (IllegalStateException e) {
                // already unregistered
            }
            commandsRegistration = null;
        }
        if (whiteboard != null) {
            // First: detaches registered dispatchers from every loop, configured ones too, so
            // that a new loop can adopt them and none is reported as left without a loop.
            whiteboard.close();
            whiteboard = null;
        }
        if (configurations != null) {
            try {
                configurations.close(); // stops the configured loops
            } catch (Exception e) {
                LOG.log(Level.WARNING, "stopping the configured loops failed", e);
            }
            configurations = null;
        }
        if (defaultLoop != null) {
            defaultLoop.stop(); // unregisters, closes what is left in the map, joins the thread
            defaultLoop = null;
        }
        if (engine != null) {
            Engines.uninstall(engine);
            engine = null;
        }
        if (logSink != null) {
            logSink.close();
            logSink = null;
        }
    }
}
