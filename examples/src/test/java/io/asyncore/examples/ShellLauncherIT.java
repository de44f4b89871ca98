package io.asyncore.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The runnable launcher with a shell ({@code java -jar target/echo-osgi-shell.jar}): Apache
 * Felix, the Gogo shell on standard input, api, impl and the echo bundle. Gogo commands
 * typed at the prompt run, the asyncore ones among them, and the end of input stops the
 * framework.
 */
class ShellLauncherIT {

    @Test
    void gogoRunsTheAsyncoreCommandsAndLb() throws Exception {
        String launcher = ChildJvm.requiredFile("examples.shell.launcher").toString();
        try (ChildJvm felix = ChildJvm.start("-Dasyncore.echo.host=127.0.0.1", "-Dasyncore.echo.port=0",
                "-jar", launcher)) {
            felix.awaitLine(l -> l.contains("echo server listening on "), 60);
            felix.awaitLine(l -> l.contains("Welcome to Apache Felix Gogo"), 60);

            felix.type("asyncore:loops");
            String loop = felix.awaitLine(l -> l.startsWith("asyncore-default"), 30);
            assertTrue(loop.contains("io.asyncore.impl") && loop.endsWith("running"), loop);

            felix.type("asyncore:channels");
            String listener = felix.awaitLine(l -> l.contains("EchoServer listening"), 30);
            assertTrue(listener.contains("io.asyncore.examples") && listener.contains("accepting"), listener);

            felix.type("lb");
            String impl = felix.awaitLine(l -> l.contains("asyncore engine"), 30);
            assertTrue(impl.contains("Active"), impl);

            felix.endInput();
            felix.awaitLine(l -> l.contains("stopping shell and framework"), 30);
            felix.awaitExit(30);
        }
    }
}
