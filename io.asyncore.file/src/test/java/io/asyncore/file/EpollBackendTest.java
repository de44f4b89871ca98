package io.asyncore.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import io.asyncore.file.internal.EpollBackend;
import io.asyncore.file.internal.EpollEngine;
import io.asyncore.file.internal.FdPoller;
import io.asyncore.file.internal.Posix;
import io.asyncore.spi.Engines;
import io.asyncore.spi.ReadySink;
import io.asyncore.spi.Registration;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.Descriptors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Raw descriptors watched by the loop's own epoll set ({@link EpollBackend}): maps served
 * with the {@link EpollEngine} installed move bytes through real pipes and FIFOs in both
 * delivery modes with no poller thread, and the backend's descriptors close with it.
 */
@ExtendWith(FdLeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EpollBackendTest {

    private static final Duration WAIT = Duration.ofSeconds(1);

    private final EpollEngine engine = new EpollEngine();

    @TempDir
    Path dir;

    @BeforeEach
    void installEngine() {
        Engines.install(engine);
    }

    @AfterEach
    void uninstallEngine() {
        Engines.uninstall(engine);
    }

    @ParameterizedTest(name = "usePoll={0}")
    @ValueSource(booleans = {true, false})
    void pipeEchoesThroughOneEpollSet(boolean usePoll) throws IOException {
        echo(usePoll, Posix.pipe(0), 1 << 20, 11);
    }

    @ParameterizedTest(name = "usePoll={0}")
    @ValueSource(booleans = {true, false})
    void fifoEchoesThroughOneEpollSet(boolean usePoll) throws IOException {
        String path = dir.resolve("fifo").toString();
        Posix.mkfifo(path, 0600);
        int in = Posix.open(path, Posix.O_RDONLY | Posix.O_NONBLOCK);
        int out = Posix.open(path, Posix.O_WRONLY | Posix.O_NONBLOCK);
        echo(usePoll, new int[] {in, out}, 300_000, 12);
    }

    /**
     * A writer fills {@code first} (a pipe or FIFO), a relay copies it into a second pipe,
     * a reader collects that to its end: every byte arrives, in order, the writer met a
     * full pipe, no poller thread ever ran, and the backend's descriptors are gone when
     * the loop ends.
     */
    private static void echo(boolean usePoll, int[] first, int size, long seed) throws IOException {
        List<String> anonBefore = anonymousInodes();
        int[] second = Posix.pipe(0);
        ChannelMap map = new ChannelMap("epoll");
        byte[] data = Pumps.random(size, seed);
        Pumps.Writer writer = new Pumps.Writer(first[1], map, data);
        Relay relay = new Relay(first[0], second[1], map);
        Pumps.Reader reader = new Pumps.Reader(second[0], map, 16 * 1024);
        for (int fd : new int[] {first[0], first[1], second[0], second[1]}) {
            Posix.close(fd);
        }
        Asyncore.loop(WAIT, usePoll, map);

        assertArrayEquals(data, reader.data.toByteArray());
        assertTrue(writer.eagain > 0, "the writer filled the pipe (EAGAIN) and resumed");
        assertTrue(reader.closedByPeer, "end of file reached handleClose");
        assertTrue(reader.errors.isEmpty() && writer.errors.isEmpty() && relay.errors.isEmpty(),
                reader.errors + " " + writer.errors + " " + relay.errors);
        assertTrue(relay.reads > 0 && relay.sawNoPoller, "no " + FdPoller.THREAD_NAME + " while the loop ran");
        assertNull(FdPoller.runningThread());
        assertEquals(0, FdLeakCheck.pollerThreads());
        assertEquals(anonBefore, anonymousInodes(), "the epoll set and its eventfd are closed with the map");
    }

    /** An event loop's map waits in the epoll backend too: tasks from other threads wake it through the eventfd. */
    @Test
    void eventLoopServesDescriptorsAndTasks() throws Exception {
        int[] p = Posix.pipe(0);
        try (EventLoop loop = EventLoop.start("epoll-loop")) {
            CompletableFuture<Pumps.Reader> made = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    made.complete(new Pumps.Reader(p[0], loop.map(), 64));
                } catch (PosixException e) {
                    made.completeExceptionally(e);
                }
            });
            Pumps.Reader reader = made.get(10, TimeUnit.SECONDS);
            Posix.write(p[1], ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
            Await.until("the loop read the pipe", () -> reader.data.size() == 4);
            CompletableFuture<String> seen = new CompletableFuture<>();
            loop.execute(() -> seen.complete(reader.hookThread.getName() + " poller=" + FdPoller.runningThread()));
            assertEquals("epoll-loop poller=null", seen.get(10, TimeUnit.SECONDS));
        } finally {
            Posix.close(p[0]);
            Posix.close(p[1]);
        }
    }

    @Test
    void regularFileIsAlwaysReady() throws IOException {
        byte[] data = Pumps.random(100_000, 13);
        Path file = Files.write(dir.resolve("data"), data);
        int fd = Posix.open(file.toString(), Posix.O_RDONLY);
        ChannelMap map = new ChannelMap("regular");
        Pumps.Reader reader = new Pumps.Reader(fd, map, 4096);
        Posix.close(fd);
        Asyncore.loop(WAIT, true, map);

        assertArrayEquals(data, reader.data.toByteArray());
        assertTrue(reader.closedByPeer);
        assertNull(FdPoller.runningThread());
    }

    /** Leaving the map cancels the backend's registration; rejoining registers the descriptor afresh. */
    @Test
    void aDispatcherThatLeftAndRejoinedIsWatchedAgain() throws IOException {
        int[] p = Posix.pipe(0);
        ChannelMap map = new ChannelMap("rejoin");
        Pumps.Reader reader = new Pumps.Reader(p[0], map, 4096);
        Posix.close(p[0]);
        try {
            Asyncore.loop(Duration.ZERO, true, map, 1); // the descriptor joins the epoll set
            reader.delChannel();
            Posix.write(p[1], ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
            reader.addChannel();
            Await.passesUntil(map, "the rejoined reader reads", Duration.ofSeconds(2), () -> reader.data.size() == 5);

            assertEquals("hello", reader.data.toString(StandardCharsets.US_ASCII));
            assertNull(FdPoller.runningThread());
        } finally {
            Posix.close(p[1]);
            Asyncore.closeAll(map, false);
        }
    }

    @Test
    void closeReleasesTheEpollSetAndTheEventfd() throws IOException {
        List<String> before = anonymousInodes();
        EpollBackend backend = new EpollBackend();
        List<String> open = anonymousInodes();
        open.removeAll(before);
        assertEquals(2, open.size(), open.toString());
        assertTrue(open.stream().anyMatch(e -> e.endsWith("[eventpoll]")), open.toString());
        assertTrue(open.stream().anyMatch(e -> e.endsWith("[eventfd]")), open.toString());

        backend.close();
        backend.close(); // idempotent
        assertEquals(before, anonymousInodes());
        IOException e = assertThrows(IOException.class, () -> backend.waitReady(0, new Sink()));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void wakeupEndsAWaitFromAnotherThread() throws Exception {
        try (EpollBackend backend = new EpollBackend()) {
            backend.wakeup(); // before the wait: the next wait returns at once
            backend.waitReady(20_000, new Sink());
            Thread waker = new Thread(() -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                backend.wakeup();
            }, "waker");
            long start = System.nanoTime();
            waker.start();
            backend.waitReady(20_000, new Sink());
            waker.join();
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "the wait ended before its timeout");
        }
    }

    /** The contract of ReadinessSource.offerDescriptor, without a loop: events, hang-up, cancel on close. */
    @Test
    void sourceOffersItsDescriptorAndCancelsBeforeItCloses() throws IOException {
        int[] p = Posix.pipe(0);
        ChannelMap map = new ChannelMap("unserved");
        FileDispatcher reader = new FileDispatcher(p[0], map);
        Posix.close(p[0]);
        try (EpollBackend backend = new EpollBackend()) {
            Registration r = backend.register(reader.readinessSource(), reader);
            assertTrue(r.interest(Asyncore.POLLIN), "settled: level-triggered");
            Sink sink = new Sink();
            backend.waitReady(0, sink);
            assertEquals(List.of(), sink.events, "nothing written yet");

            Posix.write(p[1], ByteBuffer.wrap(new byte[] {1}));
            backend.waitReady(5_000, sink);
            assertEquals(List.of(Asyncore.POLLIN), sink.events);

            Posix.close(p[1]); // hang-up arrives as the read readiness asked for
            sink.events.clear();
            backend.waitReady(5_000, sink);
            assertEquals(List.of(Asyncore.POLLIN), sink.events);

            reader.close();
            assertFalse(r.isValid(), "the source cancelled the registration before its descriptor closed");
            sink.events.clear();
            backend.waitReady(0, sink);
            assertEquals(List.of(), sink.events);
        }
    }

    @Test
    void socketsAreRefusedNamingTheCause() throws IOException {
        ChannelMap map = new ChannelMap("unserved");
        Dispatcher socketless = new Dispatcher(map) {};
        try (EpollBackend backend = new EpollBackend(); SocketChannel channel = SocketChannel.open()) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> backend.register(channel, socketless));
            assertTrue(e.getMessage().contains("raw file descriptors only")
                    && e.getMessage().contains("selector engine"), e.getMessage());
        }
    }

    private static List<String> anonymousInodes() {
        return Descriptors.list(target -> target.startsWith("anon_inode:"));
    }

    /** Records what a backend reports. */
    private static final class Sink implements ReadySink {
        final List<Integer> events = new ArrayList<>();

        @Override
        public boolean ready(Dispatcher dispatcher, int flags) {
            events.add(flags);
            return false;
        }

        @Override
        public boolean serves(Dispatcher dispatcher) {
            return true;
        }

        @Override
        public void failed(Dispatcher dispatcher, Throwable error) {
            throw new AssertionError(error);
        }
    }

    /** Copies one descriptor into another through a bounded buffer, then closes both. */
    private static final class Relay {
        final ByteBuffer buffer = ByteBuffer.allocate(8192); // write mode: position = bytes held
        final List<Throwable> errors = new ArrayList<>();
        final FileDispatcher in;
        final FileDispatcher out;
        boolean ended;
        int reads;
        boolean sawNoPoller = true;

        Relay(int inFd, int outFd, ChannelMap map) throws PosixException {
            in = new FileDispatcher(inFd, map) {
                @Override
                public boolean readable() {
                    return buffer.hasRemaining();
                }

                @Override
                public boolean writable() {
                    return false;
                }

                @Override
                protected void handleRead() throws IOException {
                    if (reads++ == 0) {
                        sawNoPoller = FdLeakCheck.pollerThreads() == 0;
                    }
                    sawNoPoller &= FdPoller.runningThread() == null;
                    recv(buffer);
                }

                @Override
                public void handleClose() {
                    ended = true;
                    close();
                }

                @Override
                public void handleError(Throwable error) {
                    errors.add(error);
                    super.handleError(error);
                }
            };
            out = new FileDispatcher(outFd, map) {
                @Override
                public boolean readable() {
                    return false;
                }

                @Override
                public boolean writable() {
                    return buffer.position() > 0 || ended;
                }

                @Override
                protected void handleWrite() throws IOException {
                    buffer.flip();
                    send(buffer);
                    buffer.compact();
                    if (ended && buffer.position() == 0) {
                        close();
                    }
                }

                @Override
                public void handleError(Throwable error) {
                    errors.add(error);
                    super.handleError(error);
                }
            };
        }
    }
}
