package io.asyncore.reliability;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.testkit.Echo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An echo server for the tests that need their own process: its own descriptor limit
 * (set by the parent with {@code ulimit -n}) and its own CPU accounting. Prints
 * {@code PORT <n>} on stdout once listening, serves on the main thread with
 * {@link Asyncore#loop}, and exits when its stdin closes (the parent ended or let go).
 * Logs go to stderr through {@code System.Logger}.
 *
 * <p>Arguments: the listen backlog, then optionally {@code cold}: start as a plain program
 * does, with nothing loaded or logged beforehand (else the out-of-descriptors path is
 * loaded and {@code java.util.logging} initialised first).
 */
public final class ChildServer {

    private ChildServer() {}

    /**
     * Runs the server.
     *
     * @param args the backlog, then optionally {@code cold}
     * @throws Exception if the server cannot start
     */
    public static void main(String[] args) throws Exception {
        int backlog = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        if (!(args.length > 1 && args[1].equals("cold"))) {
            preload();
        }
        ChannelMap map = new ChannelMap("child");
        Echo.Server server = new Echo.Server(map, backlog, (c, m) -> new Echo.Handler(c, m));
        exitWhenStdinEnds();
        long fds;
        try (var list = Files.list(Path.of("/proc/self/fd"))) {
            fds = list.count();
        }
        System.out.println("PORT " + ((java.net.InetSocketAddress) server.localAddress()).getPort() + " FDS " + fds);
        System.out.flush();
        Asyncore.loop(Duration.ofSeconds(30), false, map);
    }

    /** Halts this JVM once its stdin ends: the parent ended or let go. */
    static void exitWhenStdinEnds() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent may send anything; only the end matters
                }
            } catch (IOException e) {
                // the parent is gone
            }
            Runtime.getRuntime().halt(0);
        }, "stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    /**
     * Loads, while descriptors are plentiful, the classes the out-of-descriptors path
     * needs: loading a class from a directory opens a file, which would fail then.
     */
    private static void preload() throws Exception {
        for (String name : new String[] {
            "io.asyncore.AcceptPause", "io.asyncore.LoopTimer", "io.asyncore.TimerQueue",
            "io.asyncore.Timeouts", "io.asyncore.TimeoutKind", "io.asyncore.Disconnects",
            "io.asyncore.testkit.Echo$Handler", "io.asyncore.testkit.Echo$Server",
        }) {
            Class.forName(name, true, ChildServer.class.getClassLoader());
        }
        System.getLogger("io.asyncore.reliability.ChildServer").log(System.Logger.Level.INFO,
                "child server starting", new IOException("warm-up of the log formatting path"));
        new BufferedReader(new InputStreamReader(System.in)).ready();
    }
}
