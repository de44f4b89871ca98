package io.asyncore.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.testkit.NoLeaks;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 10,000 concurrent connections on one loop, each echoing a message of its own, nothing
 * lost. The descriptor limit here (ulimit -n 20000, hard) cannot hold both ends in one
 * process, so the server runs alone in a child JVM and the clients are plain NIO here.
 */
@ExtendWith(NoLeaks.class)
class ManyConnectionsTest {

    private static final int CONNECTIONS = Integer.getInteger("asyncore.many.connections", 10_000);
    private static final int MESSAGE = 32;

    private static void message(int id, ByteBuffer into) {
        into.clear();
        for (int i = 0; i < MESSAGE / 4; i++) {
            into.putInt(id * 31 + i);
        }
        into.flip();
    }

    @Test
    void tenThousandConnectionsEachEchoTheirOwnMessage() throws Exception {
        List<SocketChannel> clients = new ArrayList<>(CONNECTIONS);
        long start = System.nanoTime();
        try (Child child = Child.start(CONNECTIONS * 2 + 200, 4096); Selector selector = Selector.open()) {
            // Connect in batches so the listen backlog never overflows into SYN retries.
            int batch = 1000;
            for (int from = 0; from < CONNECTIONS; from += batch) {
                int pending = 0;
                for (int id = from; id < Math.min(CONNECTIONS, from + batch); id++) {
                    SocketChannel c = SocketChannel.open();
                    clients.add(c);
                    c.configureBlocking(false);
                    if (c.connect(child.address())) {
                        c.register(selector, SelectionKey.OP_READ, id);
                    } else {
                        c.register(selector, SelectionKey.OP_CONNECT, id);
                        pending++;
                    }
                }
                while (pending > 0) {
                    if (selector.select(30_000) == 0) {
                        throw new AssertionError("connects stalled with " + pending + " pending");
                    }
                    for (SelectionKey k : selector.selectedKeys()) {
                        if (k.isConnectable() && ((SocketChannel) k.channel()).finishConnect()) {
                            k.interestOps(0);
                            pending--;
                        }
                    }
                    selector.selectedKeys().clear();
                }
            }
            long connected = System.nanoTime();
            // Every client sends its message at once: 10,000 reads pending on one loop.
            ByteBuffer out = ByteBuffer.allocate(MESSAGE);
            for (int id = 0; id < CONNECTIONS; id++) {
                message(id, out);
                SocketChannel c = clients.get(id);
                while (out.hasRemaining()) {
                    c.write(out);
                }
                c.keyFor(selector).interestOps(SelectionKey.OP_READ).attach(new Echoed(id, ByteBuffer.allocate(MESSAGE)));
            }
            int done = 0;
            int wrong = 0;
            ByteBuffer expected = ByteBuffer.allocate(MESSAGE);
            while (done < CONNECTIONS) {
                if (selector.select(30_000) == 0) {
                    throw new AssertionError("echoes stalled: " + done + " of " + CONNECTIONS + " complete");
                }
                for (SelectionKey k : selector.selectedKeys()) {
                    Echoed e = (Echoed) k.attachment();
                    ByteBuffer in = e.in();
                    SocketChannel c = (SocketChannel) k.channel();
                    if (c.read(in) < 0) {
                        throw new AssertionError("server closed connection " + e.id());
                    }
                    if (!in.hasRemaining()) {
                        k.interestOps(0);
                        message(e.id(), expected);
                        if (!in.flip().equals(expected)) {
                            wrong++;
                        }
                        done++;
                    }
                }
                selector.selectedKeys().clear();
            }
            long serverFds = child.fds();
            System.out.printf("many connections: %d connected in %d ms, all echoed %d ms later; server holds %d descriptors%n",
                    CONNECTIONS, (connected - start) / 1_000_000, (System.nanoTime() - connected) / 1_000_000, serverFds);
            assertEquals(0, wrong, "echoes that differ from their message");
            assertTrue(serverFds >= CONNECTIONS, "the server holds every connection at once: " + serverFds);
            assertTrue(child.process.isAlive());
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
        }
    }

    /** A client's id and the buffer its echo arrives in. */
    private record Echoed(int id, ByteBuffer in) { }
}
