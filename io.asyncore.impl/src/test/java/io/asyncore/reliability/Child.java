package io.asyncore.reliability;

import io.asyncore.Dispatcher;
import io.asyncore.testkit.Echo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** A {@link ChildServer} in its own JVM under {@code bash -c "ulimit -n N && exec java ..."}. */
final class Child implements AutoCloseable {

    final Process process;
    final int port;
    final long startFds;
    private final List<String> sink;
    private final Thread errReader;

    private Child(Process process, int port, long startFds, Thread errReader, List<String> sink) {
        this.process = process;
        this.port = port;
        this.startFds = startFds;
        this.errReader = errReader;
        this.sink = sink;
    }

    /** Starts a child server with at most {@code maxFds} descriptors (or the hard limit, if lower). */
    static Child start(int maxFds, int backlog) throws IOException, InterruptedException {
        return start(maxFds, backlog, "");
    }

    /**
     * Starts a child server with at most {@code maxFds} descriptors and nothing loaded or
     * logged before it serves, as a plain program starts (see {@link ChildServer}).
     */
    static Child startCold(int maxFds, int backlog) throws IOException, InterruptedException {
        return start(maxFds, backlog, " cold");
    }

    private static Child start(int maxFds, int backlog, String mode) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Ask for maxFds; where the hard limit is lower (no CAP_SYS_RESOURCE), take the hard limit.
        String command = "{ ulimit -n " + maxFds + " 2>/dev/null || ulimit -n $(ulimit -Hn); } && exec '" + java + "' -Xmx256m -XX:+UseSerialGC"
                + " -XX:TieredStopAtLevel=1 -cp '" + classPath(!mode.isEmpty()) + "' " + ChildServer.class.getName() + " " + backlog + mode;
        Process p = new ProcessBuilder("bash", "-c", command).start();
        List<String> err = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (err) {
                        err.add(line);
                    }
                }
            } catch (IOException e) {
                // the child ended
            }
        }, "child-stderr");
        reader.setDaemon(true);
        reader.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("PORT ")) {
            p.destroyForcibly().waitFor();
            reader.join(5000);
            synchronized (err) {
                throw new IllegalStateException("child server did not start: " + line + "; stderr: " + err);
            }
        }
        String[] words = line.split(" ");
        return new Child(p, Integer.parseInt(words[1]), Long.parseLong(words[3]), reader, err);
    }

    /** The lines the child wrote to stderr so far. */
    List<String> stderr() {
        synchronized (sink) {
            return new ArrayList<>(sink);
        }
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** User plus system CPU time of the child so far, in clock ticks (1/100 s on Linux). */
    long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime: fields 14 and 15
    }

    /** Open descriptors of the child now. */
    long fds() throws IOException {
        try (var list = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return list.count();
        }
    }

    /** Open socket descriptors of the child now: its listener and connections, and the JVM's own. */
    long sockets() throws IOException {
        try (var list = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return list.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            }).count();
        }
    }

    /** The class path of the child: the modules' jars (or class folders) and the tests. */
    static String classPath() {
        return classPath(false);
    }

    /**
     * The class path of the child; with {@code directories}, the modules' class folders
     * rather than their jars, where both exist: loading a class from a folder opens a
     * file, so an out-of-descriptors path that still loads classes fails there.
     */
    private static String classPath(boolean directories) {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : new Class<?>[] {Dispatcher.class, io.asyncore.spi.Engines.get().getClass(), Echo.class, ChildServer.class}) {
            Path where = Path.of(location(c));
            Path classes = where.resolveSibling("classes");
            boolean jar = where.toString().endsWith(".jar");
            entries.add((directories && jar && Files.isDirectory(classes) ? classes : where).toString());
        }
        Path tests = Path.of("target", "test-classes");
        if (Files.isDirectory(tests)) {
            entries.add(tests.toAbsolutePath().toString());
        }
        return String.join(":", entries);
    }

    private static java.net.URI location(Class<?> c) {
        try {
            return c.getProtectionDomain().getCodeSource().getLocation().toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.getOutputStream().close(); // the child exits when its stdin ends
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        errReader.join(5000);
        process.getInputStream().close();
        process.getErrorStream().close();
    }
}
