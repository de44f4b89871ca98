package io.asyncore.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.EventLoop;
import io.asyncore.testkit.Descriptors;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Connection churn against an echo server on an {@link EventLoop}: connect, send, and then
 * one of a clean close, a reset (SO_LINGER 0), a half-close, or a close in the middle of a
 * message. The server keeps serving, every completed message comes back intact, the
 * server reports no unexpected error, and no descriptor or dispatcher is left behind.
 *
 * <p>The number of cycles is {@code -Dasyncore.churn.cycles} (default 100,000: about 7 s
 * on the 2-core build machine, 14,000 cycles/s with two client threads).
 */
@ExtendWith(NoLeaks.class)
class ChurnTest {

    private static final int CYCLES = Integer.getInteger("asyncore.churn.cycles", 100_000);
    private static final int CLIENT_THREADS = 2;

    private EventLoop loop;

    @AfterEach
    void cleanUp() {
        if (loop != null) {
            loop.close();
        }
        Asyncore.closeAll();
    }

    enum Kind { COMPLETE, RESET, HALF_CLOSE, MID_MESSAGE_CLOSE, MID_MESSAGE_RESET }

    /** Echo handler that counts errors other than disconnects (which go to handleClose). */
    static final class Counted extends Echo.Handler {
        static final AtomicInteger ERRORS = new AtomicInteger();
        static final AtomicReference<Throwable> FIRST = new AtomicReference<>();

        Counted(SocketChannel c, ChannelMap m) {
            super(c, m);
        }

        @Override
        public void handleError(Throwable error) {
            ERRORS.incrementAndGet();
            FIRST.compareAndSet(null, error);
            super.handleError(error);
        }
    }

    @Test
    void theServerSurvivesChurnWithResetsHalfClosesAndAbortedMessages() throws Exception {
        loop = EventLoop.start("churn");
        CompletableFuture<Echo.Server> made = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                made.complete(new Echo.Server(loop.map(), 1024, (c, m) -> new Counted(c, m)));
            } catch (IOException e) {
                made.completeExceptionally(e);
            }
        });
        Echo.Server server = made.get(10, TimeUnit.SECONDS);
        SocketAddress to = server.address();
        int socketsBefore = Descriptors.sockets().size();

        AtomicLong completed = new AtomicLong();
        AtomicLong[] perKind = new AtomicLong[Kind.values().length];
        Arrays.setAll(perKind, i -> new AtomicLong());
        AtomicReference<Throwable> clientFailure = new AtomicReference<>();
        AtomicInteger next = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(CLIENT_THREADS);
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < CLIENT_THREADS; t++) {
            long seed = 42 + t;
            Thread client = new Thread(() -> {
                Random random = new Random(seed);
                try {
                    int cycle;
                    while ((cycle = next.getAndIncrement()) < CYCLES && clientFailure.get() == null) {
                        Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
                        if (cycle(to, kind, random)) {
                            completed.incrementAndGet();
                        }
                        perKind[kind.ordinal()].incrementAndGet();
                    }
                } catch (Throwable e) {
                    clientFailure.compareAndSet(null, e);
                } finally {
                    finished.countDown();
                }
            }, "churn-client-" + t);
            threads.add(client);
            client.start();
        }
        assertTrue(finished.await(170, TimeUnit.SECONDS), "churn did not finish");
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (clientFailure.get() != null) {
            throw new AssertionError("a completed exchange failed", clientFailure.get());
        }
        System.out.printf("churn: %d cycles in %.1f s = %.0f cycles/s; completed messages %d; by kind %s%n",
                CYCLES, seconds, CYCLES / seconds, completed.get(), Arrays.toString(perKind));

        // The server still serves, and settles back to just its listener.
        assertTrue(cycle(to, Kind.COMPLETE, new Random(7)), "the server stopped serving");
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while ((loop.map().size() != 1 || Descriptors.sockets().size() > socketsBefore) && System.nanoTime() - end < 0) {
            Thread.sleep(20);
        }
        assertEquals(1, loop.map().size(), "connections left in the server's map: " + loop.map().dispatchers());
        assertTrue(Descriptors.sockets().size() <= socketsBefore,
                "descriptors grew from " + socketsBefore + " to " + Descriptors.sockets().size());
        assertEquals(0, Counted.ERRORS.get(), "unexpected server errors, first: " + Counted.FIRST.get());
        assertTrue(completed.get() > CYCLES / 5, "too few completed exchanges: " + completed.get());
    }

    /**
     * One connection's life. Returns true when a full message was sent and its echo came
     * back intact (COMPLETE and HALF_CLOSE); any failure of those throws.
     */
    private static boolean cycle(SocketAddress to, Kind kind, Random random) throws IOException {
        byte[] message = new byte[1 + random.nextInt(8192)];
        random.nextBytes(message);
        try (Socket s = new Socket()) {
            s.setSoTimeout(30_000);
            s.connect(to, 30_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            switch (kind) {
                case COMPLETE -> {
                    out.write(message);
                    assertArrayEquals(message, in.readNBytes(message.length), "echo differs");
                    return true;
                }
                case HALF_CLOSE -> {
                    out.write(message);
                    s.shutdownOutput();
                    byte[] echo = in.readAllBytes(); // up to the server's close
                    assertArrayEquals(message, echo, "echo before the half-close's end differs");
                    return true;
                }
                case RESET -> {
                    out.write(message);
                    s.setSoLinger(true, 0);
                    return false;
                }
                case MID_MESSAGE_CLOSE -> {
                    out.write(message, 0, message.length / 2);
                    return false;
                }
                case MID_MESSAGE_RESET -> {
                    out.write(message, 0, message.length / 2);
                    s.setSoLinger(true, 0);
                    return false;
                }
                default -> throw new IllegalStateException(kind.toString());
            }
        }
    }

}
