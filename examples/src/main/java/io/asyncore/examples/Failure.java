package io.asyncore.examples;

/**
 * How the examples' {@code main} methods end on an expected failure, such as an address
 * in use or a refused connection: one line on standard error naming the program and the
 * cause, and exit status 1, rather than a stack trace and status 0.
 */
public final class Failure {

    private Failure() {}

    /**
     * Prints {@code "<program>: <cause's message>"} to standard error and exits with 1.
     *
     * @param program the program's name, such as {@code EchoServer}
     * @param cause what went wrong; its message should name the address
     */
    public static void exit(String program, Exception cause) {
        System.err.println(program + ": " + cause.getMessage());
        System.exit(1);
    }
}
