package io.asyncore.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what a {@link System.Logger} writes: with {@code java.logging} present the JDK
 * routes {@code System.Logger} to {@code java.util.logging}, so a handler on the logger of
 * the same name sees every record. Closing restores the logger. The one log capture of
 * the test suite: a test that provokes a log line on purpose captures it here, so a
 * green build prints only what a reader needs.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final Level oldLevel;
    private final boolean oldUseParent;
    private final List<LogRecord> records = new ArrayList<>();

    private LogCapture(String name) {
        logger = Logger.getLogger(name);
        oldLevel = logger.getLevel();
        oldUseParent = logger.getUseParentHandlers();
        setLevel(Level.ALL);
        logger.setLevel(Level.ALL);
        logger.setUseParentHandlers(false);
        logger.addHandler(this);
    }

    /** Captures the records of {@code io.asyncore.Dispatcher}. */
    public static LogCapture dispatcher() {
        return new LogCapture("io.asyncore.Dispatcher");
    }

    /** Captures the records of the logger named {@code name}. */
    public static LogCapture of(String name) {
        return new LogCapture(name);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        records.add(record);
    }

    /** The messages captured so far, in order. */
    public synchronized List<String> messages() {
        List<String> out = new ArrayList<>();
        for (LogRecord r : records) {
            out.add(r.getMessage());
        }
        return out;
    }

    /** The records captured so far, in order. */
    public synchronized List<LogRecord> records() {
        return new ArrayList<>(records);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(oldLevel);
        logger.setUseParentHandlers(oldUseParent);
    }
}
