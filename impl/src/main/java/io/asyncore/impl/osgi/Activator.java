package io.asyncore.impl.osgi;

import io.asyncore.EventLoop;
import io.asyncore.impl.SelectorEngine;
import io.asyncore.spi.Engines;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/**
 * Bundle {@code io.asyncore.impl}: installs the Selector engine, starts the framework's
 * loop (named by framework property {@value LoopConfig#NAME}, default
 * {@value LoopConfig#DEFAULT_NAME}), publishes it as an {@link EventLoop} service, runs
 * the dispatcher whiteboard and the shell commands. Stopping the bundle undoes all of
 * it, in reverse, and joins the loop thread.
 */
public final class Activator implements BundleActivator {

    private SelectorEngine engine;
    private LogServiceSink logSink;
    private EventLoop loop;
    private ServiceRegistration<EventLoop> loopRegistration;
    private Whiteboard whiteboard;
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
            loop = engine.startEventLoop(config.name(), config.selectTimeout());
            Hashtable<String, Object> properties = new Hashtable<>(Map.of(
                    LoopConfig.NAME, config.name(),
                    "name", config.name(),
                    LoopConfig.SELECT_TIMEOUT_MS, config.selectTimeout().toMillis(),
                    Constants.SERVICE_DESCRIPTION, "asyncore event loop " + config.name()));
            whiteboard = new Whiteboard(context, loop, properties);
            loopRegistration = context.registerService(EventLoop.class, SharedLoop.of(loop), properties);
            whiteboard.open();
            commandsRegistration = context.registerService(Object.class.getName(),
                    new Commands(context, loop, whiteboard), Commands.properties());
        } catch (Exception | Error e) {
            stop(context);
            throw e;
        }
    }

    @Override
    public void stop(BundleContext context) {
        if (commandsRegistration != null) {
            unregister(commandsRegistration);
            commandsRegistration = null;
        }
        if (whiteboard != null) {
            whiteboard.close(); // detaches registered dispatchers so that a new loop can adopt them
            whiteboard = null;
        }
        if (loopRegistration != null) {
            unregister(loopRegistration);
            loopRegistration = null;
        }
        if (loop != null) {
            loop.close(); // closes what is left in the map and joins the thread
            loop = null;
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

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // already unregistered
        }
    }
}
