package io.asyncore.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.testkit.Await;
import io.asyncore.testkit.NoLeaks;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Accept storms: a server in a child JVM limited to 64 descriptors gets more connections
 * than it can hold. It must neither spin nor close its listener: it pauses accepting,
 * logs once, stays near idle, and accepts again by itself once descriptors are free.
 */
@ExtendWith(NoLeaks.class)
class EmfileTest {

    private static final int LIMIT = 64;
    private static final int CONNECTIONS = 100;

    private static long countMatching(List<String> lines, String text) {
        return lines.stream().filter(l -> l.contains(text)).count();
    }

    @Test
    void outOfDescriptorsPausesAcceptingAndResumesByItself() throws Exception {
        try (Child child = Child.start(LIMIT, 256)) {
            survivesRunningOutOfDescriptors(child);
        }
    }

    /**
     * As a plain program starts: nothing loaded or logged before the shortage, so the
     * pause warning is the process's first log record and the pause path's classes load
     * from directories (a file each). Without preparing that path at listen, formatting
     * the record failed on tzdb.dat ("Too many open files") and the error ended the loop.
     */
    @Test
    void aColdProcessSurvivesItsFirstLogRecordBeingThePauseWarning() throws Exception {
        try (Child child = Child.startCold(LIMIT, 256)) {
            survivesRunningOutOfDescriptors(child);
            assertTrue(child.stderr().stream().noneMatch(l -> l.contains("Exception") || l.contains("Error")),
                    "no error on the way: " + child.stderr());
        }
    }

    private static void survivesRunningOutOfDescriptors(Child child) throws Exception {
        List<SocketChannel> clients = new ArrayList<>();
        try {
            System.out.printf("emfile: child %d started with %d descriptors open of %d%n",
                    child.process.pid(), child.startFds, LIMIT);
            long socketsBefore = child.sockets(); // the listener and the JVM's own
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.add(SocketChannel.open(child.address())); // completes from the backlog
            }
            Await.until("the child reports running out of descriptors", Duration.ofSeconds(30),
                    () -> countMatching(child.stderr(), "Too many open files") > 0);
            assertTrue(child.process.isAlive(), "the server died: " + child.stderr());

            // Every connection the server holds keeps working while it is paused: the
            // ones accepted (in order) before descriptors ran out echo.
            // Counted as sockets: the loop's selectors are descriptors too, but no connections.
            int accepted = (int) (child.sockets() - socketsBefore);
            assertTrue(accepted > 10 && accepted < CONNECTIONS, "accepted before the shortage: " + accepted);
            for (SocketChannel c : clients.subList(0, accepted)) {
                assertEquals(5, echo(c, 5), "a connection accepted before the shortage");
            }

            long ticks0 = child.cpuTicks();
            long t0 = System.nanoTime();
            Thread.sleep(2500); // more than two pause periods
            long ticks = child.cpuTicks() - ticks0;
            double seconds = (System.nanoTime() - t0) / 1e9;
            double share = ticks / 100.0 / seconds;
            System.out.printf("emfile: %d accepted; child CPU during the pause: %d ticks in %.2f s = %.1f%% of one core%n",
                    accepted, ticks, seconds, share * 100);
            assertTrue(share < 0.5, "the server spins while out of descriptors: " + share * 100 + "% of a core");
            assertEquals(1, countMatching(child.stderr(), "not accepting for"),
                    "one warning per episode: " + child.stderr());
            assertTrue(child.process.isAlive());

            // Free descriptors: the first connections were accepted first.
            int keep = 30;
            for (SocketChannel c : clients.subList(0, CONNECTIONS - keep)) {
                c.close();
            }
            List<SocketChannel> rest = new ArrayList<>(clients.subList(CONNECTIONS - keep, CONNECTIONS));
            clients.retainAll(rest);
            // Every remaining connection, accepted before or waiting in the backlog, echoes.
            for (SocketChannel c : rest) {
                assertEquals(42, echo(c, 42), "no echo from the recovered server");
            }
            Await.until("the child logs the end of the episode", Duration.ofSeconds(30),
                    () -> countMatching(child.stderr(), "accepting again") == 1);
            // And a brand-new connection is accepted too.
            try (SocketChannel fresh = SocketChannel.open(child.address())) {
                assertEquals(7, echo(fresh, 7));
            }
            assertEquals(1, countMatching(child.stderr(), "not accepting for"), child.stderr().toString());
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
        }
    }

    /** Sends one byte on a blocking channel and reads the answer (30 s at most). */
    private static int echo(SocketChannel c, int value) throws java.io.IOException {
        c.write(ByteBuffer.wrap(new byte[] {(byte) value}));
        c.socket().setSoTimeout(30_000);
        return c.socket().getInputStream().read();
    }
}
