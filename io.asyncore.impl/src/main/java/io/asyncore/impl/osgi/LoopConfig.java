package io.asyncore.impl.osgi;

import io.asyncore.EventLoop;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One loop's settings: the default loop's from framework properties (Felix
 * {@code config.properties}, Karaf {@code etc/system.properties} or
 * {@code etc/config.properties}, or {@code -D}), a configured loop's from a Config Admin
 * factory configuration of PID {@value #FACTORY_PID}.
 *
 * @param name the loop's name: its thread's name and its {@code name} service property
 * @param selectTimeout the longest one select may block
 * @param blockedThreshold how long a pass may hold the loop thread before it is logged (zero:
 *     never), or null for the engine's default (system property
 *     {@code asyncore.blocked.threshold.ms}, else 2 s)
 * @param threadPriority the loop thread's priority
 * @param groupSize how many loops run behind the name (1: a single loop)
 */
record LoopConfig(String name, Duration selectTimeout, Duration blockedThreshold, int threadPriority,
        int groupSize) {

    /** Framework property naming the loop; also the service property carrying that name. */
    static final String NAME = "asyncore.loop.name";
    /** Framework property giving the select timeout in milliseconds (positive). */
    static final String SELECT_TIMEOUT_MS = "asyncore.select.timeout.ms";
    /** The loop's name unless {@link #NAME} says otherwise. */
    static final String DEFAULT_NAME = "asyncore-default";

    /** Factory PID of loop configurations ({@code etc/io.asyncore.loop-NAME.cfg} in Karaf). */
    static final String FACTORY_PID = "io.asyncore.loop";
    /** Configuration key: the loop's name (default: the configuration's name, after {@code ~} or {@code -}). */
    static final String KEY_NAME = "name";
    /** Configuration key: the select timeout in milliseconds, positive (default 1000). */
    static final String KEY_SELECT_TIMEOUT_MS = "select.timeout.ms";
    /** Configuration key: the blocked-loop threshold in milliseconds, 0 turns it off (default 2000). */
    static final String KEY_BLOCKED_THRESHOLD_MS = "blocked.threshold.ms";
    /** Configuration key: the loop thread's priority, 1 to 10 (default 5). */
    static final String KEY_THREAD_PRIORITY = "thread.priority";
    /** Configuration key: how many loops run behind the name, 1 to 256 (default 1). */
    static final String KEY_LOOPS = "loops";
    /** The most loops one configuration may start. */
    static final int MAX_GROUP_SIZE = 256;

    private static final Duration DEFAULT_BLOCKED_THRESHOLD = Duration.ofSeconds(2);

    /**
     * Reads the default loop's settings.
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
            timeout = Duration.ofMillis(number(SELECT_TIMEOUT_MS, millis, 1, Long.MAX_VALUE));
        }
        return new LoopConfig(name.trim(), timeout, null, Thread.NORM_PRIORITY, 1);
    }

    /**
     * Reads a configured loop's settings from a factory configuration.
     *
     * @param pid the configuration's PID, such as {@code io.asyncore.loop~web}; names the
     *     loop when the configuration has no {@value #KEY_NAME}
     * @param values the configuration's values (null when unset); strings as Karaf's
     *     {@code .cfg} files give them, or numbers
     * @return the settings
     * @throws IllegalArgumentException naming the PID, the key and the value, when a value
     *     is malformed or out of range
     */
    static LoopConfig fromConfiguration(String pid, Function<String, Object> values) {
        try {
            Object name = values.apply(KEY_NAME);
            String loopName = name == null || name.toString().isBlank() ? nameOf(pid) : name.toString().trim();
            return new LoopConfig(loopName,
                    Duration.ofMillis(setting(values, KEY_SELECT_TIMEOUT_MS, 1, Long.MAX_VALUE,
                            EventLoop.DEFAULT_SELECT_TIMEOUT.toMillis())),
                    Duration.ofMillis(setting(values, KEY_BLOCKED_THRESHOLD_MS, 0, Long.MAX_VALUE,
                            DEFAULT_BLOCKED_THRESHOLD.toMillis())),
                    (int) setting(values, KEY_THREAD_PRIORITY, Thread.MIN_PRIORITY, Thread.MAX_PRIORITY,
                            Thread.NORM_PRIORITY),
                    (int) setting(values, KEY_LOOPS, 1, MAX_GROUP_SIZE, 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("asyncore loop configuration " + pid + ": " + e.getMessage(), e);
        }
    }

    /**
     * The loop name a configuration without {@value #KEY_NAME} gets: what follows the
     * factory PID in its PID ({@code io.asyncore.loop~web} and Karaf's
     * {@code io.asyncore.loop-web} give {@code web}), else the whole PID.
     */
    static String nameOf(String pid) {
        String prefix = FACTORY_PID;
        if (pid.startsWith(prefix) && pid.length() > prefix.length() + 1
                && "~-.".indexOf(pid.charAt(prefix.length())) >= 0) {
            return pid.substring(prefix.length() + 1);
        }
        return pid;
    }

    private static long setting(Function<String, Object> values, String key, long min, long max, long otherwise) {
        Object value = values.apply(key);
        if (value == null || value.toString().isBlank()) {
            return otherwise;
        }
        return number(key, value, min, max);
    }

    /** A whole number within [min, max]; the message names the key and the value. */
    private static long number(String key, Object value, long min, long max) {
        long n;
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            n = ((Number) value).longValue();
        } else {
            try {
                n = Long.parseLong(value.toString().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " = '" + value + "' is not a whole number" + range(min, max));
            }
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(key + " = '" + value + "' is out of range: must be"
                    + (min == 1 && max == Long.MAX_VALUE ? " positive" : range(min, max)));
        }
        return n;
    }

    private static String range(long min, long max) {
        return max == Long.MAX_VALUE ? " (" + min + " or more)" : " (" + min + " to " + max + ")";
    }
}
