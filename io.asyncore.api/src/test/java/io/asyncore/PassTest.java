package io.asyncore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The core's pass against a backend in memory: Python's policy (ask every dispatcher every
 * pass, deliver in poll or select mode, skip what left the map, route hook errors to
 * handleError) without sockets or a selector. The members wrap real, unconnected socket
 * channels that the fake backend never touches.
 *
 * <p>Expected orders are CPython 3.11's asyncore: {@code poll2} calls {@code readwrite}
 * per ready fd as {@code poll()} returns them; {@code poll} (select mode) calls
 * {@code read} for each fd of {@code select}'s read list, then {@code write} for the write
 * list, both in map order, and skips an fd whose {@code map.get(fd)} is gone.
 */
class PassTest {

    private static final int IN = Asyncore.POLLIN;
    private static final int OUT = Asyncore.POLLOUT;

    private final ChannelMap map = new ChannelMap("pass-test");
    private final FakeBackend backend = new FakeBackend();
    private final Pass pass = new Pass(map, backend);
    private final List<String> log = new ArrayList<>();

    /** A member that logs its hooks and answers what the test sets. */
    private final class Member extends Dispatcher {
        final String name;
        boolean read = true;
        boolean write = true;
        int askedRead;
        int askedWrite;
        RuntimeException readableFails;
        Runnable onRead = () -> { };

        Member(String name) throws IOException {
            super(SocketChannel.open(), map);
            this.name = name;
            connected = true;
        }

        @Override
        public boolean readable() {
            askedRead++;
            if (readableFails != null) {
                throw readableFails;
            }
            return read;
        }

        @Override
        public boolean writable() {
            askedWrite++;
            return write;
        }

        @Override
        protected void handleRead() {
            log.add(name + ".read");
            onRead.run();
        }

        @Override
        protected void handleWrite() {
            log.add(name + ".write");
        }

        @Override
        public void handleError(Throwable error) {
            log.add(name + ".error: " + error.getMessage());
        }
    }

    @AfterEach
    void tearDown() {
        Asyncore.closeAll(map, true);
    }

    /** One pass that does not wait. */
    private void pass(boolean usePoll) throws IOException {
        pass.run(0, usePoll);
    }

    /** Members that took part in one pass already, with the log cleared. */
    private List<Member> members(String... names) throws IOException {
        List<Member> all = new ArrayList<>();
        for (String name : names) {
            all.add(new Member(name));
        }
        pass(true);
        log.clear();
        return all;
    }

    @Test
    void readableAndWritableAreAskedEveryPass() throws IOException {
        Member a = members("a").get(0);
        int read = a.askedRead;
        int write = a.askedWrite;
        for (int i = 0; i < 5; i++) {
            pass(i % 2 == 0);
        }
        assertEquals(5, a.askedRead - read);
        assertEquals(5, a.askedWrite - write);
    }

    @Test
    void interestIsToldOnlyWhenAnAnswerChanged() throws IOException {
        Member a = members("a").get(0);
        FakeBackend.FakeRegistration r = backend.of(a);
        assertEquals(List.of(IN | OUT), r.interests);
        pass(true);
        pass(false);
        assertEquals(List.of(IN | OUT), r.interests, "unchanged answers: no call");
        a.write = false;
        pass(true);
        assertEquals(List.of(IN | OUT, IN), r.interests);
        pass(true);
        a.read = false;
        pass(false);
        assertEquals(List.of(IN | OUT, IN, 0), r.interests);
    }

    @Test
    void aRegistrationThatIsNotSettledIsToldEveryPass() throws IOException {
        backend.settles = false; // a connect in progress, a listener: the backend must look again
        Member a = members("a").get(0);
        pass(true);
        pass(true);
        assertEquals(List.of(IN | OUT, IN | OUT, IN | OUT), backend.of(a).interests);
    }

    @Test
    void aNewChannelIsRegisteredAndTheOldRegistrationCancelled() throws IOException {
        Member a = members("a").get(0);
        FakeBackend.FakeRegistration first = backend.of(a);
        a.setSocket(SocketChannel.open(), map);
        pass(true);
        assertTrue(first.cancelled);
        FakeBackend.FakeRegistration second = backend.of(a);
        assertNotSame(first, second);
        assertSame(a.channel(), second.target);
        assertEquals(List.of(IN | OUT), second.interests);
    }

    /** The log of one pass in which the backend reports b, then a, both readable and writable. */
    private List<String> bothReadyInReverseOrder(boolean usePoll) throws IOException {
        List<Member> m = members("a", "b");
        backend.ready(m.get(1), IN | OUT).ready(m.get(0), IN | OUT);
        pass(usePoll);
        return log;
    }

    @Test
    void pollModeDeliversEachReadyDispatcherWholeInTheBackendsOrder() throws IOException {
        assertEquals(List.of("b.read", "b.write", "a.read", "a.write"), bothReadyInReverseOrder(true));
    }

    @Test
    void selectModeDeliversReadsThenWritesInMapOrder() throws IOException {
        assertEquals(List.of("a.read", "b.read", "a.write", "b.write"), bothReadyInReverseOrder(false));
    }

    /** The log of one pass in which a's read event does {@code toB} to b before b's events. */
    private List<String> whenAsReadDoes(java.util.function.Consumer<Member> toB, boolean usePoll) throws IOException {
        List<Member> m = members("a", "b");
        Member a = m.get(0);
        Member b = m.get(1);
        a.onRead = () -> toB.accept(b);
        backend.ready(a, IN).ready(b, IN | OUT);
        pass(usePoll);
        return log;
    }

    @ParameterizedTest(name = "usePoll={0}")
    @ValueSource(booleans = {true, false})
    void aDispatcherClosedEarlierInThePassGetsNothing(boolean usePoll) throws IOException {
        assertEquals(List.of("a.read"), whenAsReadDoes(Dispatcher::close, usePoll));
    }

    @ParameterizedTest(name = "usePoll={0}")
    @ValueSource(booleans = {true, false})
    void aDispatcherGivenANewChannelEarlierInThePassGetsNothingForTheOldOne(boolean usePoll) throws IOException {
        assertEquals(List.of("a.read"), whenAsReadDoes(b -> {
            try {
                b.setSocket(SocketChannel.open(), map);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, usePoll));
    }

    @Test
    void anExceptionFromReadableReachesHandleErrorAndTheOthersAreServed() throws IOException {
        List<Member> m = members("a", "b");
        m.get(0).readableFails = new IllegalStateException("readable failed");
        backend.ready(m.get(1), IN);
        pass(true);
        assertEquals(List.of("a.error: readable failed", "b.read"), log);
    }

    @ParameterizedTest(name = "usePoll={0}")
    @ValueSource(booleans = {true, false})
    void anExceptionFromAHandlerReachesHandleErrorAndTheOthersAreServed(boolean usePoll) throws IOException {
        List<Member> m = members("a", "b");
        m.get(0).onRead = () -> {
            throw new IllegalStateException("read failed");
        };
        backend.ready(m.get(0), IN).ready(m.get(1), IN);
        pass(usePoll);
        assertEquals(List.of("a.read", "a.error: read failed", "b.read"), log);
    }

    @Test
    void theNextTimerShortensTheWaitAndDueTimersRunAfterTheEvents() throws IOException {
        Member a = members("a").get(0);
        LoopTimer later = map.timers().schedule(Duration.ofSeconds(5), () -> log.add("later"));
        backend.wakeup(); // the wait returns at once, but says how long it would have been
        pass.run(30_000, true);
        long wait = backend.waits.get(backend.waits.size() - 1);
        assertTrue(wait > 4_000 && wait <= 5_000, "waited " + wait + " ms");
        later.cancel();
        map.timers().schedule(Duration.ZERO, () -> log.add("timer"));
        backend.ready(a, IN);
        long passes = map.counters().passes();
        pass.run(30_000, true);
        assertEquals(0, backend.waits.get(backend.waits.size() - 1), "a due timer: no wait");
        assertEquals(List.of("a.read", "timer"), log);
        assertEquals(passes + 1, map.counters().passes());
    }

    @Test
    void aBackendClosedFromAHookClosesWhenThePassEnds() throws IOException {
        Member a = members("a").get(0);
        boolean[] closedInside = {true};
        a.onRead = () -> {
            pass.close();
            closedInside[0] = backend.closed;
        };
        backend.ready(a, IN);
        pass(true);
        assertFalse(closedInside[0], "closed inside its own pass");
        assertTrue(backend.closed);
    }
}
