package io.asyncore;

/**
 * Python's {@code compact_traceback()} result for a Java exception: where it was thrown
 * (the innermost frame), what it is, and the condensed traceback
 * {@code "[file|function|line] [file|function|line] ..."} from the outermost frame
 * that Python's traceback would show (the core's frame that caught it) to the
 * innermost. Files are source file names, as Java stack frames carry no paths.
 *
 * @param file the innermost frame's source file, {@code "?"} when unknown
 * @param function the innermost frame's method name
 * @param line the innermost frame's line number, as a string (Python gives a string too)
 * @param type the exception's class
 * @param message the exception's message, possibly null
 * @param info the condensed traceback
 */
public record CompactTraceback(String file, String function, String line, Class<? extends Throwable> type,
        String message, String info) {

    /**
     * Condenses {@code error}'s stack trace. The frames shown run from the innermost
     * frame out to the first frame of the core's delivery (the call that delivered the event
     * and caught the exception, as Python's traceback starts at {@code readwrite}); only
     * the innermost frame when no such frame is there (an exception made outside a
     * delivery, whose catching frame is unknown).
     *
     * @param error the exception
     * @return its compact traceback
     * @throws IllegalArgumentException if {@code error} has no stack trace (Python raises
     *     {@code AssertionError("traceback does not exist")})
     */
    static CompactTraceback of(Throwable error) {
        StackTraceElement[] stack = error.getStackTrace();
        if (stack.length == 0) {
            throw new IllegalArgumentException("traceback does not exist: " + error.getClass().getName()
                    + " was made without a stack trace");
        }
        int outermost = 0;
        for (int i = 0; i < stack.length; i++) {
            if (stack[i].getClassName().equals(Delivery.class.getName())) {
                outermost = i;
                break;
            }
        }
        StringBuilder info = new StringBuilder();
        for (int i = outermost; i >= 0; i--) {
            if (info.length() > 0) {
                info.append(' ');
            }
            StackTraceElement e = stack[i];
            info.append('[').append(fileOf(e)).append('|').append(e.getMethodName()).append('|')
                    .append(e.getLineNumber()).append(']');
        }
        StackTraceElement inner = stack[0];
        return new CompactTraceback(fileOf(inner), inner.getMethodName(), Integer.toString(inner.getLineNumber()),
                error.getClass(), error.getMessage(), info.toString());
    }

    private static String fileOf(StackTraceElement e) {
        return e.getFileName() == null ? "?" : e.getFileName();
    }
}
