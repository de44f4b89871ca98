package io.asyncore.impl.osgi;

import io.asyncore.spi.Logging;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Writes asyncore's INFO, WARNING and ERROR lines through the OSGi Log Service got from
 * the engine bundle's context, so that Felix's log, pax-logging and Karaf's
 * {@code log:display} credit them to the asyncore bundle. DEBUG and TRACE lines, and
 * every line while no Log Service is registered, go to {@link System.Logger} as outside
 * OSGi. The Log Service is called through its {@code log(int, String, Throwable)} method
 * (Log Service 1.3 and later) found at run time: the bundle does not import its package,
 * so a framework without one runs the engine unchanged.
 */
final class LogServiceSink implements Logging.Sink, AutoCloseable {

    private static final String LOG_SERVICE = "org.osgi.service.log.LogService";
    // org.osgi.service.log.LogService.LOG_ERROR, LOG_WARNING, LOG_INFO
    private static final int LOG_ERROR = 1;
    private static final int LOG_WARNING = 2;
    private static final int LOG_INFO = 3;

    private final ServiceTracker<Object, Object> tracker;

    private LogServiceSink(BundleContext context) throws InvalidSyntaxException {
        tracker = new ServiceTracker<>(context, context.createFilter("(objectClass=" + LOG_SERVICE + ")"), null);
    }

    /** Starts tracking the Log Service and installs this sink. */
    static LogServiceSink open(BundleContext context) {
        try {
            LogServiceSink sink = new LogServiceSink(context);
            sink.tracker.open(true);
            Logging.install(sink);
            return sink;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("filter for " + LOG_SERVICE, e);
        }
    }

    @Override
    public boolean isLoggable(String logger, Level level) {
        return level.getSeverity() >= Level.INFO.getSeverity() && tracker.getService() != null
                || System.getLogger(logger).isLoggable(level);
    }

    @Override
    public void log(String logger, Level level, String message, Throwable error) {
        Object service = level.getSeverity() >= Level.INFO.getSeverity() ? tracker.getService() : null;
        if (service != null && write(service, level, message, error)) {
            return;
        }
        System.getLogger(logger).log(level, message, error);
    }

    private static boolean write(Object service, Level level, String message, Throwable error) {
        int osgiLevel = level.getSeverity() >= Level.ERROR.getSeverity() ? LOG_ERROR
                : level.getSeverity() >= Level.WARNING.getSeverity() ? LOG_WARNING : LOG_INFO;
        try {
            Class<?> api = Class.forName(LOG_SERVICE, false, service.getClass().getClassLoader());
            Method log = api.getMethod("log", int.class, String.class, Throwable.class);
            log.invoke(service, osgiLevel, message, error);
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false; // not a Log Service we can call: the line goes to System.Logger
        }
    }

    @Override
    public void close() {
        Logging.uninstall(this);
        tracker.close();
    }
}
