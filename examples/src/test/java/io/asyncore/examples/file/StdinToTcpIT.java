package io.asyncore.examples.file;

import io.asyncore.file.FileWrapper;
import io.asyncore.file.internal.Posix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged {@code StdinToTcp} example in a child JVM on the class path (its jar
 * and {@code io.asyncore.file} from {@code target/file-example}, api and impl from
 * {@code target/modules}) against a loopback echo server, with its standard input a
 * pipe, a regular file, and a pseudo-terminal: what goes in comes back on its standard
 * output, and it exits by itself.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StdinToTcpIT {

    private static final String MAIN = "io.asyncore.examples.file.StdinToTcp";
    /** A thread per blocking task: the common pool may have a single worker. */
    private static final Executor THREADS = task -> Thread.ofPlatform().daemon().name("stdin-to-tcp-test").start(task);

    @TempDir
    Path dir;
    private ServerSocket server;
    private CompletableFuture<Long> echoed;

    @BeforeEach
    void startEchoServer() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        echoed = CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                return s.getInputStream().transferTo(s.getOutputStream());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, THREADS);
    }

    @AfterEach
    void stopEchoServer() throws IOException {
        server.close();
    }

    private ProcessBuilder child() {
        return child("127.0.0.1", Integer.toString(server.getLocalPort()));
    }

    static ProcessBuilder child(String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = Path.of(System.getProperty("examples.modules"), "*") + File.pathSeparator
                + Path.of(System.getProperty("examples.file"), "*");
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--illegal-native-access=deny", "-cp", classPath, MAIN));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /**
     * This JVM calls {@code io.asyncore.file} itself ({@link Posix#openpty}), on the class
     * path: it grants the unnamed module native access, so the JDK prints no warning into
     * the build.
     */
    @Test
    void thisJvmGrantsNativeAccessToTheClassPath() {
        List<String> flags = List.of(ProcessHandle.current().info().arguments().orElseThrow());
        assertTrue(flags.contains("--enable-native-access=ALL-UNNAMED"), "this JVM's arguments: " + flags);
    }

    /** A refused connection: one line naming it on standard error, and status 1. */
    @Test
    void refusedConnectionFailsLoudly() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        Process p = child("127.0.0.1", Integer.toString(port)).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the example did not end");
        String stderr = new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue(), stderr);
        assertEquals(1, stderr.lines().count(), stderr);
        assertTrue(stderr.startsWith("StdinToTcp: cannot connect to /127.0.0.1:" + port + ": Connection refused"), stderr);
        assertEquals(0, out.get(10, TimeUnit.SECONDS).length);
        p.getOutputStream().close();
    }

    private static byte[] input(int lines) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            s.append("line ").append(i).append(": the quick brown fox jumps over the lazy dog\n");
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] finish(Process p, CompletableFuture<byte[]> out, CompletableFuture<byte[]> err)
            throws Exception {
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the example did not end");
        String stderr = new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), stderr);
        assertTrue(!stderr.contains("WARNING") && !stderr.contains("Exception"), stderr);
        return out.get(10, TimeUnit.SECONDS);
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, THREADS);
    }

    @Test
    void standardInputFromAPipe() throws Exception {
        byte[] data = input(5000); // ~340 KB: more than a pipe holds
        Process p = child().start();
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.write(data);
        }
        assertArrayEquals(data, finish(p, out, err));
        assertEquals(data.length, echoed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void standardInputFromARegularFile() throws Exception {
        byte[] data = input(2000);
        Path file = dir.resolve("input.txt");
        Files.write(file, data);
        Process p = child().redirectInput(file.toFile()).start();
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        assertArrayEquals(data, finish(p, out, err));
    }

    /** A terminal: the test types into the master side, and hangs up to end the input. */
    @Test
    void standardInputFromATerminal() throws Exception {
        byte[] data = input(300);
        int[] pty = Posix.openpty();
        Process p;
        try {
            Path slave = Files.readSymbolicLink(Path.of("/proc/self/fd/" + pty[1]));
            p = child().redirectInput(slave.toFile()).start();
        } finally {
            Posix.close(pty[1]);
        }
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            byte[] chunk = new byte[8192];
            try (InputStream in = p.getInputStream()) {
                int n;
                while ((n = in.read(chunk)) > 0) {
                    synchronized (seen) {
                        seen.write(chunk, 0, n);
                    }
                }
                synchronized (seen) {
                    return seen.toByteArray();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, THREADS);
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        try (FileWrapper master = new FileWrapper(pty[0])) {
            Posix.close(pty[0]);
            ByteBuffer typed = ByteBuffer.wrap(data);
            while (typed.hasRemaining()) {
                master.send(typed); // blocking: the terminal takes what the child reads
            }
            // keep the terminal open until everything came back through the echo server
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && p.isAlive()) {
                synchronized (seen) {
                    if (seen.size() >= data.length) {
                        break;
                    }
                }
                Thread.sleep(20);
            }
        } // closing the master hangs up the terminal: the child sees the end of its input
        assertArrayEquals(data, finish(p, out, err));
    }
}
