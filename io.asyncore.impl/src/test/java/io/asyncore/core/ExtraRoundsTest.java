package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Extra event rounds in one poll-mode pass (the core's Pass, maps of 512 members and more): a pass
 * may deliver a dispatcher more than one read, but each only after a fresh
 * {@code readable()} that answered true, and never after one that answered false even
 * though its socket still holds data. Smaller maps keep Python's one select per pass.
 */
@ExtendWith(NoLeaks.class)
class ExtraRoundsTest {

    /** Idle pairs that bring the map past the poller's 512-member threshold. */
    private static final int PADDING_PAIRS = 260;
    private static final int PASS_LIMIT = 5_000;

    private final ChannelMap map = new ChannelMap("extra-rounds");

    @AfterEach
    void tearDown() {
        Asyncore.closeAll(map, true);
    }

    /**
     * Sends {@link #BYTES} to the echo server and reads them back one byte per read
     * event, while its {@code readable()} answers true, true, false, true, true, false...
     * Records any read that did not directly follow a true answer.
     */
    static final class Sipper extends Dispatcher {
        static final int BYTES = 60;
        final List<String> violations = new ArrayList<>();
        int sent;
        int read;
        int asks;
        boolean fresh;
        boolean lastAnswer;
        int readsThisPass;

        Sipper(ChannelMap map, SocketAddress server) throws IOException {
            super(map);
            createSocket(AddressFamily.INET);
            connect(server);
        }

        @Override public boolean writable() { return !isConnected() || sent < BYTES; }

        @Override
        public boolean readable() {
            fresh = true;
            lastAnswer = isConnected() && read < BYTES && ++asks % 3 != 0;
            return lastAnswer;
        }

        @Override protected void handleConnect() {}

        @Override
        protected void handleWrite() throws IOException {
            byte[] rest = new byte[BYTES - sent];
            Arrays.fill(rest, (byte) 'x');
            sent += send(rest);
        }

        @Override
        protected void handleRead() throws IOException {
            if (!fresh || !lastAnswer) {
                violations.add("read " + read + " without a fresh true readable() (fresh " + fresh + ")");
            }
            fresh = false;
            read += recv(1).length;
            readsThisPass++;
        }
    }

    /** Runs passes until the sipper has its bytes back; returns the most reads one pass made. */
    private int sipAll(Sipper sipper) {
        int most = 0;
        for (int pass = 0; sipper.read < Sipper.BYTES; pass++) {
            if (pass == PASS_LIMIT || sipper.isClosed()) {
                fail("sipper read " + sipper.read + " of " + Sipper.BYTES + " in " + pass + " passes");
            }
            sipper.readsThisPass = 0;
            Asyncore.poll2(Duration.ofMillis(50), map); // extra rounds are a poll-mode property
            most = Math.max(most, sipper.readsThisPass);
        }
        return most;
    }

    @Test
    void largeMapDeliversMoreRoundsOnlyOnFreshAnswers() throws IOException {
        Echo.Server server = new Echo.Server(map);
        List<ScaleTest.Once> padding = new ArrayList<>();
        for (int i = 0; i < PADDING_PAIRS; i++) {
            padding.add(new ScaleTest.Once(map, server.localAddress(), i));
        }
        Await.passesUntil(map, "padding echoed", () -> padding.stream().allMatch(ScaleTest.Once::done));
        Sipper sipper = new Sipper(map, server.localAddress());
        int most = sipAll(sipper);
        assertTrue(map.size() > 512, "map past the threshold: " + map.size());
        assertEquals(List.of(), sipper.violations);
        assertTrue(most >= 2, "some pass made an extra round for the sipper: at most " + most + " per pass");
        assertEquals(List.of(), server.errors);
    }

    @Test
    void smallMapKeepsOneSelectPerPass() throws IOException {
        Echo.Server server = new Echo.Server(map);
        Sipper sipper = new Sipper(map, server.localAddress());
        int most = sipAll(sipper);
        assertEquals(List.of(), sipper.violations);
        assertEquals(1, most, "one read event per pass");
        assertEquals(List.of(), server.errors);
    }
}
