package io.asyncore;

/**
 * Which timeout expired: the argument of {@link Dispatcher#handleTimeout(TimeoutKind)}.
 * Set them through {@link Dispatcher#timeouts()}: {@link Timeouts#setIdle} and {@link Timeouts#setConnect}.
 */
public enum TimeoutKind {
    /** Nothing was received for the read-idle time. */
    READ_IDLE("read idle"),
    /** Nothing was sent for the write-idle time (a peer that stopped reading, say). */
    WRITE_IDLE("write idle"),
    /** Nothing was received or sent for the idle time. */
    ALL_IDLE("idle"),
    /** A connect did not complete in time. */
    CONNECT("connect");

    private final String label;

    TimeoutKind(String label) {
        this.label = label;
    }

    /**
     * A short name for log lines, such as {@code "read idle"}.
     *
     * @return the label
     */
    public String label() {
        return label;
    }
}
