package io.asyncore.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.asyncore.AddressFamily;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import io.asyncore.testkit.LogCapture;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whiteboard's threading, without a framework: registrations are fed to it as its
 * service tracker would, real loops adopt real listening sockets on 127.0.0.1, and every
 * hook of those dispatchers records the thread it runs on.
 */
class WhiteboardTest {

    /** How long the whiteboard waits for a loop here: short, so that a blocked loop costs little. */
    private static final Duration WAIT = Duration.ofMillis(300);
    /** The longest a test waits for a condition, and for a call that must not hang. */
    private static final long LIMIT_MILLIS = 10_000;

    private final AtomicLong ids = new AtomicLong();
    private final List<EventLoop> loops = new ArrayList<>();
    private final List<Dispatcher> dispatchers = new ArrayList<>();
    private final CountDownLatch unblock = new CountDownLatch(1);
    private LogCapture logs;

    @BeforeEach
    void captureLogs() {
        logs = LogCapture.of(Whiteboard.class.getName());
    }

    @AfterEach
    void cleanUp() {
        unblock.countDown();
        loops.forEach(EventLoop::close);
        dispatchers.forEach(Dispatcher::close);
        logs.close();
    }

    /**
     * A loop blocked in a hook does not hold up the framework: removing the service returns
     * after the bound with one WARNING naming the loop, the service and the wait; the
     * close stays queued, and runs on the loop thread once the hook returns. No hook of the
     * dispatcher, close() included, runs on any other thread.
     */
    @Test
    void removalFromABlockedLoopReturnsAndTheLoopClosesTheDispatcherOnceItWakes() throws Exception {
        EventLoop loop = loop("wb-blocked");
        Whiteboard whiteboard = whiteboard(loop);
        Listener listener = new Listener();
        Registration r = register(whiteboard, listener, Map.of());
        until("adopted", () -> r.state() == Registration.State.ADOPTED && loop.map().contains(listener));

        block(loop);
        long started = System.nanoTime();
        Thread remover = new Thread(() -> whiteboard.removed(r), "framework-event-thread");
        remover.start();
        remover.join(LIMIT_MILLIS);
        assertFalse(remover.isAlive(), "removing the service returned");
        assertTrue(System.nanoTime() - started >= WAIT.toNanos(), "it waited for the loop first");
        assertFalse(listener.isClosed(), "not closed behind the blocked loop's back");
        assertEquals(Registration.State.ADOPTED, r.state());
        List<String> warnings = warnings();
        assertEquals(1, warnings.size(), warnings.toString());
        String warning = warnings.get(0);
        assertTrue(warning.contains("loop wb-blocked did not answer within ") && warning.contains(" ms: closing ")
                && warning.contains("dispatcher service " + r.serviceId() + " of bundle test [7]")
                && warning.contains("stays queued"), warning);

        unblock.countDown();
        until("closed once the loop woke", () -> r.state() == Registration.State.CLOSED);
        assertTrue(listener.isClosed());
        assertFalse(loop.map().contains(listener));
        assertRefused(listener.port);
        assertEquals(Set.of("wb-blocked"), listener.threads(), "threads the hooks ran on");
        assertEquals(1, warnings().size(), "one warning only");
    }

    /**
     * When a removal returns, the listening socket is closed and its port free, with no
     * engine pass run from whiteboard code: a pass asks every dispatcher readable(), and
     * none is asked with a whiteboard frame on its stack.
     */
    @Test
    void removalFreesThePortWithoutRunningAPassFromWhiteboardCode() throws Exception {
        EventLoop loop = loop("wb-release");
        Whiteboard whiteboard = whiteboard(loop);
        Listener listener = new Listener();
        Listener sibling = new Listener();
        Registration r = register(whiteboard, listener, Map.of());
        register(whiteboard, sibling, Map.of());
        until("both adopted", () -> loop.map().contains(listener) && loop.map().contains(sibling));
        try (Socket client = connect(listener.port)) {
            until("accepted", () -> listener.accepted.get() == 1);
        }

        whiteboard.removed(r);

        assertEquals(Registration.State.CLOSED, r.state());
        assertRefused(listener.port);
        assertFalse(sibling.isClosed());
        assertEquals(List.of(), listener.nested, "passes run inside whiteboard work");
        assertEquals(List.of(), sibling.nested, "passes run inside whiteboard work");
        assertEquals(Set.of("wb-release"), listener.threads());
        assertEquals(List.of(), warnings());
    }

    /**
     * A dispatcher no loop matches is reported, and closed with its service all the same:
     * on a loop thread, never on the thread that removes the service.
     */
    @Test
    void anUnadoptedDispatcherIsClosedOnALoopThreadWhenItsServiceGoes() throws Exception {
        EventLoop loop = loop("wb-default");
        Whiteboard whiteboard = whiteboard(loop);
        Listener listener = new Listener();
        Registration r = register(whiteboard, listener, Map.of(Whiteboard.TARGET, "(name=elsewhere)"));
        until("reported", () -> r.state() == Registration.State.UNADOPTED);
        assertTrue(r.reason().contains("(name=elsewhere) matches no loop"), r.reason());
        assertFalse(listener.isClosed(), "open while its service is there");

        whiteboard.removed(r);

        assertTrue(listener.isClosed());
        assertEquals(Registration.State.CLOSED, r.state());
        assertRefused(listener.port);
        assertEquals(Set.of("wb-default"), listener.threads());
        List<String> warnings = warnings();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("is not adopted: asyncore.target (name=elsewhere) matches no loop"),
                warnings.get(0));
    }

    /**
     * A changed target moves the dispatcher: detached on the thread of the loop that holds
     * it, then adopted on the new loop's thread, never in two maps. While the first loop is
     * blocked, the update returns after the bound and the move waits for that loop.
     */
    @Test
    void aMoveWaitsForTheBlockedLoopThatHoldsTheDispatcher() throws Exception {
        EventLoop a = loop("wb-a");
        EventLoop b = loop("wb-b");
        Whiteboard whiteboard = whiteboard(a, b);
        Listener listener = new Listener();
        Map<String, Object> properties = new ConcurrentHashMap<>(Map.of(Whiteboard.TARGET, "(name=wb-a)"));
        Registration r = register(whiteboard, listener, properties);
        until("adopted by a and asked by its pass", () -> listener.threads.contains("wb-a"));

        block(a);
        properties.put(Whiteboard.TARGET, "(name=wb-b)");
        whiteboard.modified(r);
        assertTrue(a.map().contains(listener), "still with the blocked loop");
        assertFalse(b.map().contains(listener), "not adopted by b while a may still run its hooks");
        List<String> warnings = warnings();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("loop wb-a did not answer") && warnings.get(0).contains("moving"),
                warnings.get(0));

        unblock.countDown();
        until("adopted by b", () -> b.map().contains(listener) && r.state() == Registration.State.ADOPTED);
        assertFalse(a.map().contains(listener));
        try (Socket client = connect(listener.port)) {
            until("accepted", () -> listener.accepted.get() == 1);
        }
        assertEquals("wb-b", listener.acceptedOn);
        assertEquals(Set.of("wb-a", "wb-b"), listener.threads());
        assertEquals(List.of(), listener.misplaced, "hooks that ran on a thread not serving the dispatcher's map");
    }

    /**
     * A service unregistered from a hook (on the loop thread) is closed right there: the
     * whiteboard does not wait for the loop it runs on.
     */
    @Test
    void removalOnTheLoopThreadClosesAtOnceWithoutWaiting() throws Exception {
        EventLoop loop = loop("wb-inline");
        Whiteboard whiteboard = whiteboard(loop);
        Listener listener = new Listener();
        Registration r = register(whiteboard, listener, Map.of());
        until("adopted", () -> loop.map().contains(listener));
        CountDownLatch done = new CountDownLatch(1);
        List<Registration.State> seen = new CopyOnWriteArrayList<>();
        loop.execute(() -> {
            whiteboard.removed(r);
            seen.add(r.state());
            done.countDown();
        });
        assertTrue(done.await(LIMIT_MILLIS, TimeUnit.MILLISECONDS));
        assertEquals(List.of(Registration.State.CLOSING), seen, "closed at once; released at the next pass");
        assertTrue(listener.isClosed());
        until("released by the next pass", () -> r.state() == Registration.State.CLOSED);
        assertRefused(listener.port);
        assertEquals(List.of(), warnings());
    }

    // ------------------------------------------------------------------ helpers

    /** A listener on 127.0.0.1 that records the threads its hooks run on. */
    static final class Listener extends Dispatcher {
        final int port;
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        /** Hooks that ran inside whiteboard code: a pass nested in it. */
        final List<String> nested = new CopyOnWriteArrayList<>();
        /** Hooks that ran on a thread other than that of the loop whose map holds the dispatcher. */
        final List<String> misplaced = new CopyOnWriteArrayList<>();
        final AtomicLong accepted = new AtomicLong();
        volatile String acceptedOn;

        Listener() throws IOException {
            createSocket(AddressFamily.INET);
            bind(new InetSocketAddress("127.0.0.1", 0));
            listen(4);
            port = ((InetSocketAddress) localAddress()).getPort();
        }

        Set<String> threads() {
            return Set.copyOf(threads);
        }

        private void hook(String name) {
            String thread = Thread.currentThread().getName();
            threads.add(thread);
            boolean inWhiteboard = StackWalker.getInstance().walk(frames -> frames
                    .map(StackWalker.StackFrame::getClassName)
                    .anyMatch(c -> c.startsWith(Whiteboard.class.getPackageName() + ".")
                            && !c.startsWith(WhiteboardTest.class.getName())));
            if (inWhiteboard && name.equals("readable")) {
                nested.add(name + " on " + thread);
            }
        }

        @Override
        public boolean readable() {
            hook("readable");
            var map = io.asyncore.ChannelMap.class.cast(servingMap());
            if (map != null && !map.toString().startsWith("ChannelMap[" + Thread.currentThread().getName() + ",")) {
                misplaced.add("readable of " + map + " on " + Thread.currentThread().getName());
            }
            return super.readable();
        }

        @Override
        public boolean writable() {
            hook("writable");
            return super.writable();
        }

        @Override
        protected void handleAccepted(SocketChannel channel, SocketAddress address) throws IOException {
            hook("handleAccepted");
            acceptedOn = Thread.currentThread().getName();
            channel.close();
            accepted.incrementAndGet();
        }

        @Override
        public void close() {
            hook("close");
            super.close();
        }

        /** The map that holds this dispatcher now, found through the loops' maps. */
        private Object servingMap() {
            return OWNERS.stream().filter(m -> m.contains(this)).findFirst().orElse(null);
        }
    }

    private static final List<io.asyncore.ChannelMap> OWNERS = new CopyOnWriteArrayList<>();

    private EventLoop loop(String name) {
        EventLoop loop = EventLoop.start(name);
        loops.add(loop);
        OWNERS.add(loop.map());
        return loop;
    }

    private static Whiteboard whiteboard(EventLoop... loops) {
        List<ServedLoop.Member> members = new ArrayList<>();
        for (EventLoop l : loops) {
            members.add(new ServedLoop.Member(l, Map.of("name", l.name(), LoopConfig.NAME, l.name())));
        }
        return new Whiteboard(null, members, WAIT);
    }

    private Registration register(Whiteboard whiteboard, Dispatcher d, Map<String, Object> properties) {
        dispatchers.add(d);
        Registration r = new Registration(ids.incrementAndGet(), "test [7]", d, properties::get);
        whiteboard.added(r);
        return r;
    }

    /** Holds the loop thread in a task until the test ends or {@link #unblock} opens. */
    private void block(EventLoop loop) throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1);
        loop.execute(() -> {
            inside.countDown();
            try {
                unblock.await(LIMIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(inside.await(LIMIT_MILLIS, TimeUnit.MILLISECONDS), "loop " + loop.name() + " blocked");
    }

    private List<String> warnings() {
        return logs.records().stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogRecord::getMessage).toList();
    }

    private static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIMIT_MILLIS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail(what + ": not within " + LIMIT_MILLIS + " ms");
            }
            Thread.sleep(2);
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), (int) LIMIT_MILLIS);
        return s;
    }

    private static void assertRefused(int port) {
        for (int attempt = 0; attempt < 10; attempt++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), (int) LIMIT_MILLIS);
                if (s.getLocalPort() == port) {
                    continue; // TCP self-connect in the ephemeral range: nothing listened
                }
                fail("127.0.0.1:" + port + " still accepts connections");
            } catch (ConnectException expected) {
                return;
            } catch (IOException e) {
                throw new AssertionError("connect to 127.0.0.1:" + port + ": " + e, e);
            }
        }
        fail("127.0.0.1:" + port + ": every connect attempt was a self-connect");
    }
}
