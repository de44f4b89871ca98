package io.asyncore.spi;

import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * Where asyncore's log lines go: to an installed {@link Sink} when there is one (inside
 * OSGi the engine bundle installs one that writes through the OSGi Log Service, so the
 * lines are credited to the asyncore bundle), otherwise to {@link System.Logger}. The api
 * and the engine take their loggers from {@link #logger(String)}; this module still
 * depends on nothing at run time.
 */
public final class Logging {

    /** Receives log lines instead of {@link System.Logger}. Implementations are thread-safe. */
    public interface Sink {
        /**
         * Whether a line of {@code level} from {@code logger} would be written.
         *
         * @param logger the logger's name, such as {@code io.asyncore.Dispatcher}
         * @param level the level
         * @return true if it would be
         */
        boolean isLoggable(String logger, System.Logger.Level level);

        /**
         * Writes one line.
         *
         * @param logger the logger's name
         * @param level the level
         * @param message the message
         * @param error the exception to show with it, or null
         */
        void log(String logger, System.Logger.Level level, String message, Throwable error);
    }

    private static volatile Sink sink;

    private Logging() {}

    /**
     * Sends every line to {@code s} from now on.
     *
     * @param s the sink
     */
    public static void install(Sink s) {
        if (s == null) {
            throw new NullPointerException("sink");
        }
        sink = s;
    }

    /**
     * Goes back to {@link System.Logger} if {@code s} is the installed sink.
     *
     * @param s the sink installed earlier
     */
    public static synchronized void uninstall(Sink s) {
        if (sink == s) {
            sink = null;
        }
    }

    /**
     * A logger that writes to the installed sink, or to {@link System#getLogger} of the
     * same name when none is installed. Cheap to keep in a static field.
     *
     * @param name the logger's name
     * @return the logger
     */
    public static System.Logger logger(String name) {
        return new Routed(name);
    }

    private static final class Routed implements System.Logger {
        private final String name;
        private volatile System.Logger jdk;

        Routed(String name) {
            this.name = name;
        }

        private System.Logger jdk() {
            System.Logger l = jdk;
            if (l == null) {
                l = jdk = System.getLogger(name);
            }
            return l;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            Sink s = sink;
            return s != null ? s.isLoggable(name, level) : jdk().isLoggable(level);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            Sink s = sink;
            if (s == null) {
                jdk().log(level, bundle, msg, thrown);
            } else if (s.isLoggable(name, level)) {
                s.log(name, level, msg, thrown);
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            Sink s = sink;
            if (s == null) {
                jdk().log(level, bundle, format, params);
            } else if (s.isLoggable(name, level)) {
                s.log(name, level, params == null || params.length == 0 ? format : MessageFormat.format(format, params),
                        null);
            }
        }
    }
}
