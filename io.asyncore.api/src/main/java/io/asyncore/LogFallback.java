package io.asyncore;

/**
 * What a log call on a path that reacts to a resource error does when logging itself
 * fails. The first record of a process makes the logging backend load what it has not
 * loaded yet (the time zone data that {@code java.util.logging}'s formatter reads from a
 * file, say); with every descriptor in use that fails, and the failure must neither be
 * lost nor leave the loop. Such callers catch every {@code Throwable} from the log call
 * and hand the line here: one plain line on {@link System#err} (already open), and
 * anything that fails there too is dropped.
 */
final class LogFallback {

    private LogFallback() {}

    /**
     * Prints {@code line} and why logging failed, never throwing.
     *
     * @param line the line that could not be logged, with its level
     * @param failure what the log call threw
     */
    static void print(String line, Throwable failure) {
        try {
            System.err.println(line + " [logging failed: " + failure + "]");
        } catch (Throwable ignored) {
            // stderr is gone too: there is nowhere left to say it
        }
    }
}
