package io.asyncore.spi;

import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds the {@link Engine} that {@link io.asyncore.ChannelMap}s and
 * {@link io.asyncore.EventLoop}s use.
 *
 * <p>An engine installed with {@link #install(Engine)} wins; otherwise the first one
 * {@link ServiceLoader} finds (module path, class path, then the thread's context class
 * loader) is used. Thread-safe.
 */
public final class Engines {

    private static volatile Engine installed;
    private static volatile Engine discovered;

    private Engines() {}

    /**
     * The engine in use.
     *
     * @return the installed or discovered engine
     * @throws IllegalStateException if there is none, naming the module to add
     */
    public static Engine get() {
        Engine engine = installed;
        if (engine != null) {
            return engine;
        }
        engine = discovered;
        if (engine == null) {
            engine = discover();
            discovered = engine;
        }
        return engine;
    }

    /**
     * Installs an engine that wins over discovery; used where {@link ServiceLoader} does
     * not reach, such as inside an OSGi framework.
     *
     * @param engine the engine
     */
    public static void install(Engine engine) {
        if (engine == null) {
            throw new NullPointerException("engine");
        }
        installed = engine;
    }

    /**
     * Removes {@code engine} if it is the installed one.
     *
     * @param engine the engine installed earlier
     */
    public static synchronized void uninstall(Engine engine) {
        if (installed == engine) {
            installed = null;
        }
    }

    private static synchronized Engine discover() {
        if (discovered != null) {
            return discovered;
        }
        Engine found = first(ServiceLoader.load(Engine.class, Engines.class.getClassLoader()));
        if (found == null) {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            if (context != null) {
                found = first(ServiceLoader.load(Engine.class, context));
            }
        }
        if (found == null) {
            throw new IllegalStateException("no asyncore engine found: put io.asyncore.impl on the"
                    + " module path or class path (or start its bundle inside OSGi)");
        }
        return found;
    }

    /**
     * The first provider that loads. A provider that fails to load is skipped when
     * another one loads, so that a second copy of the engine seen through a foreign class
     * loader (an application class path around an embedded OSGi framework, say) cannot
     * hide the good one; if none loads, the first failure names the cause.
     */
    private static Engine first(ServiceLoader<Engine> loader) {
        ServiceConfigurationError failure = null;
        Iterator<Engine> it = loader.iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                return it.next();
            } catch (ServiceConfigurationError e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw new IllegalStateException("asyncore engine could not be loaded: " + failure.getMessage(), failure);
        }
        return null;
    }
}
