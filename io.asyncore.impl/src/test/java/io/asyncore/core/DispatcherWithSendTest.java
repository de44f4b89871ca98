package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.Asyncore;
import io.asyncore.DispatcherWithSend;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.NoLeaks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * CPython's {@code DispatcherWithSendTests.test_send}: a non-reading
 * {@code dispatcher_with_send} sends everything, in order, to a plain blocking server
 * running on its own thread (Python's {@code capture_server}).
 */
@ExtendWith(NoLeaks.class)
class DispatcherWithSendTest {

    /** Python's {@code dispatcherwithsend_noread}. */
    static final class NoRead extends DispatcherWithSend {
        @Override public boolean readable() { return false; }
        @Override protected void handleConnect() {}
    }

    @AfterEach
    void tearDown() {
        Asyncore.closeAll();
    }

    /** Python's capture_server: collects what arrives until the newline terminator. */
    private static Thread captureServer(ServerSocket serv, ByteArrayOutputStream buf, AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try (serv; Socket conn = serv.accept()) {
                conn.setSoTimeout((int) Await.LIMIT.toMillis());
                InputStream in = conn.getInputStream();
                int b;
                while ((b = in.read()) != -1 && b != '\n') {
                    buf.write(b);
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "capture-server");
        t.start();
        return t;
    }

    private static void send(int size, boolean sendBeforeConnected) throws Exception {
        ServerSocket serv = new ServerSocket();
        serv.bind(new InetSocketAddress("127.0.0.1", 0));
        serv.setSoTimeout((int) Await.LIMIT.toMillis());
        ByteArrayOutputStream cap = new ByteArrayOutputStream();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = captureServer(serv, cap, failure);
        try {
            byte[] data = new byte[size];
            Random random = new Random(size);
            for (int i = 0; i < size; i++) {
                data[i] = (byte) ('a' + random.nextInt(26)); // no newline inside
            }
            NoRead d = new NoRead();
            d.createSocket(AddressFamily.INET);
            d.connect(serv.getLocalSocketAddress());
            if (!sendBeforeConnected) {
                Await.passesUntil(null, "connected", d::isConnected);
            }
            assertEquals(data.length, d.send(data));
            assertEquals(data.length, d.send(data));
            assertEquals(1, d.send("\n".getBytes()));
            long deadline = System.nanoTime() + Await.LIMIT.toNanos();
            while (d.pendingOutputBytes() > 0 && System.nanoTime() - deadline < 0) {
                Asyncore.poll(Duration.ofMillis(10), null);
            }
            assertEquals(0, d.pendingOutputBytes(), "the out buffer drained");
            assertFalse(d.writable(), "nothing more to write once connected and drained");
        } finally {
            t.join(Await.LIMIT.toMillis() * 2);
        }
        assertFalse(t.isAlive());
        if (failure.get() != null) {
            throw new AssertionError("capture server failed", failure.get());
        }
        byte[] got = cap.toByteArray();
        assertEquals(2 * size, got.length);
        byte[] expected = new byte[2 * size];
        Random random = new Random(size);
        for (int i = 0; i < size; i++) {
            expected[i] = expected[size + i] = (byte) ('a' + random.nextInt(26));
        }
        assertArrayEquals(expected, got);
    }

    @Test
    void sendAfterConnecting() throws Exception {
        // Python's own data: b"Suppose there isn't a 16-ton weight?"
        send("Suppose there isn't a 16-ton weight?".length(), false);
    }

    @Test
    void sendBeforeTheConnectCompletesIsBuffered() throws Exception {
        // Python sleeps so the connect completes first; here the data waits in the buffer.
        send(36, true);
    }

    @Test
    void moreThanOneSliceComesOutWholeAndInOrder() throws Exception {
        send(200 * 1024 + 7, true);
    }

    @Test
    void writableWhileNotConnected() throws IOException {
        NoRead d = new NoRead();
        assertTrue(d.writable(), "Python: (not self.connected) or len(self.out_buffer)");
        d.createSocket(AddressFamily.INET);
        assertTrue(d.writable());
        assertEquals(0, d.pendingOutputBytes());
    }
}
