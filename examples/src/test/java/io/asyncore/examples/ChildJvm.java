package io.asyncore.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM (the {@code java} of the JDK running the tests) whose merged stdout and
 * stderr are collected line by line, so tests can wait for a line and show the whole
 * output when something fails. {@link #close()} destroys it and waits for it to end.
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private ChildJvm(Process process) {
        this.process = process;
        this.reader = new Thread(this::readLines, "child-jvm-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code java args...}.
     *
     * @param args the JVM arguments
     * @return the running child
     * @throws IOException if it cannot start
     */
    static ChildJvm start(String... args) throws IOException {
        return startIn(null, args);
    }

    /**
     * Starts {@code java args...} in {@code directory}.
     *
     * @param directory the working directory, or null for this process's
     * @param args the JVM arguments
     * @return the running child
     * @throws IOException if it cannot start
     */
    static ChildJvm startIn(Path directory, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        return new ChildJvm(builder.start());
    }

    /**
     * Starts {@code command} (a launcher of a jlink image, say).
     *
     * @param command the program and its arguments
     * @return the running child
     * @throws IOException if it cannot start
     */
    static ChildJvm run(List<String> command) throws IOException {
        return new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /**
     * Starts {@code java args...} with at most {@code maxFds} open descriptors
     * ({@code ulimit -n} through bash).
     *
     * @param maxFds the descriptor limit
     * @param args the JVM arguments
     * @return the running child
     * @throws IOException if it cannot start
     */
    static ChildJvm startWithDescriptorLimit(int maxFds, String... args) throws IOException {
        StringBuilder command = new StringBuilder("ulimit -n " + maxFds + " && exec '"
                + Path.of(System.getProperty("java.home"), "bin", "java") + "'");
        for (String arg : args) {
            command.append(" '").append(arg.replace("'", "'\\''")).append('\'');
        }
        return new ChildJvm(new ProcessBuilder("bash", "-c", command.toString()).redirectErrorStream(true).start());
    }

    /**
     * The child's process id, to look at its descriptors in {@code /proc}.
     *
     * @return the pid
     */
    long pid() {
        return process.pid();
    }

    /**
     * Whether the child is still running.
     *
     * @return true while it runs
     */
    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * A file named by a system property that failsafe sets; fails clearly when missing.
     *
     * @param property the system property
     * @return the existing path
     */
    static Path requiredFile(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set: run this test through"
                    + " Maven (mvn -pl examples verify), which packages the jars first");
        }
        Path path = Path.of(value);
        if (!Files.exists(path)) {
            throw new IllegalStateException(property + "=" + value + " does not exist: package the examples first");
        }
        return path;
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            synchronized (lines) {
                lines.add(null); // end of output
                lines.notifyAll();
            }
        }
    }

    /**
     * Waits for a line matching {@code match}.
     *
     * @param match what to wait for
     * @param seconds the longest wait
     * @return the first matching line
     * @throws AssertionError with the whole output if none came in time or the child ended
     */
    String awaitLine(Predicate<String> match, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (lines) {
            int seen = 0;
            while (true) {
                for (; seen < lines.size(); seen++) {
                    String line = lines.get(seen);
                    if (line == null) {
                        throw new AssertionError("child ended without the expected line:\n" + output());
                    }
                    if (match.test(line)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no expected line within " + seconds + " s; output so far:\n" + output());
                }
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
        }
    }

    /**
     * Writes one line to the child's standard input.
     *
     * @param line the line, without its end
     * @throws IOException if the child no longer reads
     */
    void type(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Closes the child's standard input: it reads end of input. */
    void endInput() throws IOException {
        process.getOutputStream().close();
    }

    /**
     * Waits for the child to end by itself.
     *
     * @param seconds the longest wait
     * @return its exit code
     * @throws AssertionError with the output if it is still running
     */
    int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("child still running after " + seconds + " s; output:\n" + output());
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return process.exitValue();
    }

    /** Everything the child printed so far. */
    String output() {
        synchronized (lines) {
            StringBuilder s = new StringBuilder();
            for (String line : lines) {
                if (line != null) {
                    s.append(line).append('\n');
                }
            }
            return s.toString();
        }
    }

    /** Asks the child to stop (SIGTERM, so shutdown hooks run), then forces it. */
    @Override
    public void close() throws InterruptedException {
        // A launcher script (a jlink image's bin/echo-server) runs java as its child without
        // exec: stop the descendants too, or the server outlives the test.
        java.util.List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
        for (ProcessHandle child : descendants) {
            try {
                child.onExit().get(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                child.destroyForcibly();
            }
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
    }
}
