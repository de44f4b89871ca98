package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.EventLoop;
import io.asyncore.spi.Engines;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.Echo;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The per-loop MBean, read over the platform MBean server as jconsole would, while echo
 * traffic runs: the counts it shows afterwards are the traffic the test sent.
 */
@ExtendWith(NoLeaks.class)
class LoopObservabilityTest {

    private static final int CLIENTS = 8;
    private static final int ROUNDS = 40;
    private static final int MESSAGE = 3_000;

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    private static long attribute(ObjectName name, String attribute) throws Exception {
        return ((Number) SERVER.getAttribute(name, attribute)).longValue();
    }

    @Test
    void mbeanCountsTheEchoTrafficSent() throws Exception {
        ObjectName name = new ObjectName("io.asyncore:type=EventLoop,name=\"jmx-echo\"");
        EventLoop loop = Engines.get().startEventLoop("jmx-echo", Duration.ofSeconds(30));
        try (loop) {
            assertTrue(SERVER.isRegistered(name), "registered when the loop starts: " + name);
            Echo.Server server = new Echo.Server(loop.map());
            InetSocketAddress address = (InetSocketAddress) server.localAddress();

            // A reader polls the attributes over JMX while the traffic runs; every value
            // it sees must be at least the one before (counters only grow).
            AtomicReference<String> readerProblem = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                long lastIn = 0;
                long lastPasses = 0;
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        long in = attribute(name, "BytesIn");
                        long passes = attribute(name, "Passes");
                        if (in < lastIn || passes < lastPasses) {
                            readerProblem.set("went down: in " + lastIn + " -> " + in + ", passes " + lastPasses
                                    + " -> " + passes);
                            return;
                        }
                        lastIn = in;
                        lastPasses = passes;
                        Thread.sleep(1);
                    }
                } catch (InterruptedException e) {
                    // done
                } catch (Exception e) {
                    readerProblem.set(e.toString());
                }
            }, "jmx-reader");
            reader.start();

            List<SocketChannel> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(SocketChannel.open(address));
            }
            byte[] message = new byte[MESSAGE];
            Arrays.fill(message, (byte) 'x');
            for (int round = 0; round < ROUNDS; round++) {
                for (SocketChannel c : clients) {
                    c.write(ByteBuffer.wrap(message));
                }
                for (SocketChannel c : clients) {
                    readFully(c, MESSAGE);
                }
            }
            for (SocketChannel c : clients) {
                c.close();
            }
            long sent = (long) CLIENTS * ROUNDS * MESSAGE;
            Await.until("the server closed every connection",
                    () -> counter(name, "ConnectionsClosed") == CLIENTS);
            reader.interrupt();
            reader.join();
            assertEquals(null, readerProblem.get());

            assertEquals(sent, attribute(name, "BytesIn"), "bytes the clients sent");
            assertEquals(sent, attribute(name, "BytesOut"), "bytes the clients read back");
            assertEquals(CLIENTS, attribute(name, "ConnectionsAccepted"));
            assertEquals(CLIENTS, attribute(name, "ConnectionsClosed"));
            assertEquals(1, attribute(name, "Channels"), "only the listener is left");
            long events = attribute(name, "EventsDelivered");
            // at least one read event per echoed message and per end of stream, plus one
            // accept event (one event may accept every pending connection)
            assertTrue(events >= CLIENTS * ROUNDS + CLIENTS + 1, "events delivered: " + events);
            assertTrue(attribute(name, "Passes") > 0);
            assertTrue(attribute(name, "LongestPassMicros") > 0);
            assertEquals(0, attribute(name, "BlockedEpisodes"));
            assertEquals(0, attribute(name, "AcceptPauses"));
            assertFalse((Boolean) SERVER.getAttribute(name, "Closed"));
            assertEquals("jmx-echo", SERVER.getAttribute(name, "Name"));
            assertTrue(server.errors.isEmpty(), server.errors.toString());

            long tasksBefore = attribute(name, "TasksRun");
            java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(3);
            for (int i = 0; i < 3; i++) {
                loop.execute(ran::countDown);
            }
            loop.schedule(Duration.ofMillis(1), ran::countDown);
            assertTrue(ran.await(5, java.util.concurrent.TimeUnit.SECONDS));
            Await.until("tasks and the timer counted",
                    () -> counter(name, "TasksRun") >= tasksBefore + 3 && counter(name, "TimersRun") >= 1);
        }
        assertFalse(SERVER.isRegistered(name), "unregistered when the loop stops");
    }

    @Test
    void twoLoopsOfOneNameGetTwoMBeans() throws Exception {
        try (EventLoop a = Engines.get().startEventLoop("jmx-twin", Duration.ofSeconds(30));
                EventLoop b = Engines.get().startEventLoop("jmx-twin", Duration.ofSeconds(30))) {
            assertTrue(SERVER.isRegistered(new ObjectName("io.asyncore:type=EventLoop,name=\"jmx-twin\"")));
            assertTrue(SERVER.isRegistered(new ObjectName("io.asyncore:type=EventLoop,name=\"jmx-twin\",instance=2")));
        }
        assertTrue(SERVER.queryNames(new ObjectName("io.asyncore:type=EventLoop,name=\"jmx-twin\",*"), null).isEmpty());
    }

    private static long counter(ObjectName name, String attribute) {
        try {
            return attribute(name, attribute);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void readFully(SocketChannel c, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                throw new IOException("echo closed early");
            }
        }
    }
}
