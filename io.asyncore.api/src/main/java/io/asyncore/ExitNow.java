package io.asyncore;

/**
 * The one exception that leaves {@link Asyncore#loop()}: thrown from a hook, it passes
 * through the error handling that catches everything else and ends the loop (or stops
 * an {@link EventLoop}).
 */
public class ExitNow extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An ExitNow without a message. */
    public ExitNow() {
        super();
    }

    /**
     * An ExitNow saying why the loop ends.
     *
     * @param message why
     */
    public ExitNow(String message) {
        super(message);
    }
}
