package io.asyncore.tls.test;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real peer in a child process ({@code openssl}, {@code python3}, {@code curl}): its
 * output lines are collected as they come, and waits are bounded. Closing kills it.
 */
final class Peer implements AutoCloseable {

    static final long WAIT_MS = 10_000;

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final String name;
    /** Lines before this one were matched or passed over by an earlier wait. */
    private int cursor;

    private Peer(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(() -> {
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
            }
        }, "peer-output " + name);
        reader.setDaemon(true);
        reader.start();
    }

    static Peer start(String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(Certs.dir().toFile()).redirectErrorStream(true);
        return new Peer(command[0], pb.start());
    }

    /** Runs a Python 3 script (written to the certificate directory) with arguments. */
    static Peer python(String script, String... args) throws IOException {
        Path file = Files.createTempFile(Certs.dir(), "peer", ".py");
        Files.writeString(file, script);
        List<String> command = new ArrayList<>(List.of("python3", "-u", file.toString()));
        command.addAll(List.of(args));
        return start(command.toArray(new String[0]));
    }

    /**
     * Waits for a line matching {@code match}, after the line the previous wait matched;
     * fails with everything seen after the bound.
     */
    String await(String what, Predicate<String> match) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        synchronized (lines) {
            while (true) {
                for (; cursor < lines.size(); cursor++) {
                    if (match.test(lines.get(cursor))) {
                        return lines.get(cursor++);
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    fail(name + ": no line " + what + " within " + WAIT_MS + " ms; output: " + lines);
                }
                lines.wait(left);
            }
        }
    }

    /** Waits for a line starting with {@code prefix}, returning the rest. */
    String awaitPrefix(String prefix) throws InterruptedException {
        return await("starting with " + prefix, l -> l.startsWith(prefix)).substring(prefix.length());
    }

    void write(String text) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write(text.getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    /** Waits for the exit; fails after the bound. */
    int exit() throws InterruptedException {
        if (!process.waitFor(WAIT_MS, TimeUnit.MILLISECONDS)) {
            fail(name + " did not exit within " + WAIT_MS + " ms; output: " + output());
        }
        return process.exitValue();
    }

    List<String> output() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
