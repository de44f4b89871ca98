package io.asyncore.chat.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The {@code echo_server} thread of CPython's test_asynchat: accepts one connection,
 * reads it a byte at a time until {@code QUIT\n}, then sends everything back (without
 * the QUIT) in chunks of {@link #chunkSize} bytes, 1 ms apart, and closes.
 */
final class EchoPeer extends Thread implements AutoCloseable {

    static final byte[] SERVER_QUIT = "QUIT\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket listener;
    /** Bytes per send when echoing; Python's {@code chunk_size}. */
    volatile int chunkSize = 1;
    /** When set, echoing waits for it; Python's {@code start_resend_event}. */
    volatile CountDownLatch startResend;
    /** What was received, without the QUIT; Python's {@code buffer}. Read after join. */
    volatile byte[] received = new byte[0];

    EchoPeer() throws IOException {
        super("asynchat-echo-peer");
        setDaemon(true);
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listener.setSoTimeout(30_000);
    }

    /** Starts the thread; the socket already listens, so clients may connect at once. */
    static EchoPeer startEcho() throws IOException {
        EchoPeer peer = new EchoPeer();
        peer.start();
        return peer;
    }

    int port() {
        return listener.getLocalPort();
    }

    @Override
    public void run() {
        try (ServerSocket l = listener; Socket conn = l.accept()) {
            conn.setSoTimeout(30_000);
            InputStream in = conn.getInputStream();
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            // collect data until quit message is seen
            while (indexOf(buffer.toByteArray(), SERVER_QUIT) < 0) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                buffer.write(b);
            }
            byte[] data = removeAll(buffer.toByteArray(), SERVER_QUIT);
            received = data;
            CountDownLatch wait = startResend;
            if (wait != null) {
                wait.await(30, TimeUnit.SECONDS);
            }
            // re-send entire set of collected data; may fail when the client closed already
            try {
                OutputStream out = conn.getOutputStream();
                for (int i = 0; i < data.length; i += chunkSize) {
                    out.write(data, i, Math.min(chunkSize, data.length - i));
                    out.flush();
                    Thread.sleep(1);
                }
            } catch (IOException ignored) {
                // as Python's bare except: the client may be gone (test_close_when_done)
            }
        } catch (IOException | InterruptedException e) {
            // the test's assertions report what is missing
        }
    }

    /** Waits for the thread to end; Python's {@code threading_helper.join_thread}. */
    void joinOrFail() throws InterruptedException {
        join(30_000);
        if (isAlive()) {
            throw new AssertionError("echo peer still running after 30 s");
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static byte[] removeAll(byte[] data, byte[] needle) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < data.length) {
            if (i + needle.length <= data.length && indexOf(java.util.Arrays.copyOfRange(data, i, i + needle.length), needle) == 0) {
                i += needle.length;
            } else {
                out.write(data[i++]);
            }
        }
        return out.toByteArray();
    }
}
