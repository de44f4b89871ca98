package io.asyncore.impl.osgi;

import io.asyncore.EventLoop;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The default loop's settings, read from framework properties (Felix {@code config.properties},
 * Karaf {@code etc/system.properties} or {@code etc/config.properties}, or {@code -D}).
 *
 * @param name the loop's name: its thread's name and its {@code name} service property
 * @param selectTimeout the longest one select may block
 */
record LoopConfig(String name, Duration selectTimeout) {

    /** Framework property naming the loop; also the service property carrying that name. */
    static final String NAME = "asyncore.loop.name";
    /** Framework property giving the select timeout in milliseconds (positive). */
    static final String SELECT_TIMEOUT_MS = "asyncore.select.timeout.ms";
    /** The loop's name unless {@link #NAME} says otherwise. */
    static final String DEFAULT_NAME = "asyncore-default";

    /**
     * Reads the settings.
     *
     * @param properties how to look up a framework property (null when unset)
     * @return the settings
     * @throws IllegalArgumentException naming the property when a value is malformed
     */
    static LoopConfig from(UnaryOperator<String> properties) {
        String name = properties.apply(NAME);
        if (name == null || name.isBlank()) {
            name = DEFAULT_NAME;
        }
        Duration timeout = EventLoop.DEFAULT_SELECT_TIMEOUT;
        String millis = properties.apply(SELECT_TIMEOUT_MS);
        if (millis != null && !millis.isBlank()) {
            long value;
            try {
                value = Long.parseLong(millis.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(SELECT_TIMEOUT_MS + " must be a positive number of"
                        + " milliseconds, got '" + millis + "'", e);
            }
            if (value <= 0) {
                throw new IllegalArgumentException(SELECT_TIMEOUT_MS + " must be positive, got " + value);
            }
            timeout = Duration.ofMillis(value);
        }
        return new LoopConfig(name.trim(), timeout);
    }
}
