package io.asyncore.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what a {@link System.Logger} of a given name writes (the JDK routes it to
 * {@code java.util.logging} when that module is present). Closing restores the logger.
 */
final class Logs extends Handler implements AutoCloseable {

    private final Logger logger;
    private final Level oldLevel;
    private final boolean oldUseParent;
    private final List<LogRecord> records = new ArrayList<>();

    Logs(String name) {
        logger = Logger.getLogger(name);
        oldLevel = logger.getLevel();
        oldUseParent = logger.getUseParentHandlers();
        setLevel(Level.ALL);
        logger.setLevel(Level.ALL);
        logger.setUseParentHandlers(false);
        logger.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        records.add(record);
    }

    synchronized List<LogRecord> records() {
        return new ArrayList<>(records);
    }

    synchronized List<String> messages() {
        List<String> out = new ArrayList<>();
        records.forEach(r -> out.add(r.getMessage()));
        return out;
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
