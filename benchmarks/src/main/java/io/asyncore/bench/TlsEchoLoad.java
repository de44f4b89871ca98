package io.asyncore.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A TLS echo load independent of the code under test: one JDK {@link SSLSocket} per
 * connection on its own thread, each keeping one message of {@code size} bytes in flight
 * and checking every byte that comes back. Every connection echoes at least one message,
 * however late its thread starts, and an echo that does not come back within
 * {@link #READ_TIMEOUT_MILLIS} fails the run instead of hanging it.
 */
final class TlsEchoLoad {

    /** What a run saw: messages echoed in the window, its length, and every message checked (warm-up included). */
    record Result(long messages, double seconds, long verified) {
        double messagesPerSecond() {
            return messages / seconds;
        }
    }

    /** How long a connection waits for its echo before the run fails. */
    static final int READ_TIMEOUT_MILLIS = 30_000;

    private TlsEchoLoad() {}

    static Result run(SSLContext client, int port, int connections, int size, long warmupMillis, long measureMillis)
            throws Exception {
        AtomicLong counted = new AtomicLong();
        AtomicLong verified = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long measureFrom = start + warmupMillis * 1_000_000;
        long end = measureFrom + measureMillis * 1_000_000;
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int id = c;
            Thread t = new Thread(() -> {
                try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
                    s.setTcpNoDelay(true);
                    s.setSoTimeout(READ_TIMEOUT_MILLIS);
                    byte[] out = new byte[size];
                    byte[] in = new byte[size];
                    OutputStream o = s.getOutputStream();
                    DataInputStream i = new DataInputStream(s.getInputStream());
                    // the first message goes whatever the time: a thread that started late still checks one
                    for (long n = 0; n == 0 || System.nanoTime() < end; n++) {
                        for (int k = 0; k < size; k++) {
                            out[k] = (byte) (n * 31 + k * 7 + id);
                        }
                        o.write(out);
                        o.flush();
                        i.readFully(in);
                        if (!java.util.Arrays.equals(out, in)) {
                            throw new IllegalStateException("connection " + id + ": message " + n + " came back different");
                        }
                        verified.incrementAndGet();
                        long now = System.nanoTime();
                        if (now >= measureFrom && now < end) {
                            counted.incrementAndGet();
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }, "tls-load-" + c);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("TLS echo load failed", failure.get());
        }
        return new Result(counted.get(), measureMillis / 1000.0, verified.get());
    }
}
