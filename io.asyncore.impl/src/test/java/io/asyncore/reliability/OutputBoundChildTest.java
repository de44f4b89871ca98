package io.asyncore.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.testkit.NoLeaks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One slow reader must not kill the process: a client pipelines GETs for a 1 MiB body
 * and never reads, against an AsyncChat HTTP-style server in a child JVM with
 * {@code -Xmx128m}. The output bound (64 MiB) ends that connection with an error naming
 * {@code maxOutputBytes}; a second client keeps getting answers; the JVM survives. Without
 * the bound the child died of {@code OutOfMemoryError} after about 120 requests.
 */
@ExtendWith(NoLeaks.class)
class OutputBoundChildTest {

    private static final String GET = "GET /body HTTP/1.1\r\nHost: test\r\n\r\n";

    @Test
    void aClientThatNeverReadsIsClosedAtTheOutputBoundAndOthersAreServed() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-cp", Child.classPath(),
                ChildHttpServer.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("STDOUT FAILED " + e);
            }
        }, "child-http-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            String first = lines.poll(60, TimeUnit.SECONDS);
            assertTrue(first != null && first.startsWith("PORT "), "child did not start: " + first);
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(first.substring(5)));

            int requests = 0;
            String limit;
            String peakLine;
            try (Socket greedy = new Socket()) {
                greedy.setReceiveBufferSize(64 * 1024);
                greedy.connect(address, 10_000);
                OutputStream requestsOut = greedy.getOutputStream();
                // 200 requests ask for 200 MiB: more than the child's whole heap
                byte[] get = GET.repeat(200).getBytes(StandardCharsets.US_ASCII);
                requestsOut.write(get);
                requestsOut.flush();
                requests = 200;
                // keep the connection open, never reading, until the child reports
                limit = lines.poll(60, TimeUnit.SECONDS);
                peakLine = lines.poll(10, TimeUnit.SECONDS);
            }
            assertTrue(limit != null && limit.startsWith("LIMIT maxOutputBytes 67108864 "),
                    "the connection ended at the named limit: " + limit);
            assertTrue(peakLine != null && peakLine.startsWith("PEAK "), String.valueOf(peakLine));
            long peak = Long.parseLong(peakLine.substring(5));
            assertTrue(peak <= 64L << 20, "queued at most the bound: " + peak);

            // another client is still served, with the whole body
            try (Socket polite = new Socket()) {
                polite.connect(address, 10_000);
                polite.setSoTimeout(30_000);
                polite.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
                InputStream in = polite.getInputStream();
                String header = "HTTP/1.1 200 OK\r\nContent-Length: " + ChildHttpServer.BODY + "\r\n\r\n";
                byte[] whole = in.readNBytes(header.length() + ChildHttpServer.BODY);
                assertEquals(header.length() + ChildHttpServer.BODY, whole.length);
                assertEquals(header, new String(whole, 0, header.length(), StandardCharsets.US_ASCII));
                assertEquals('b', whole[whole.length - 1]);
            }
            assertTrue(child.isAlive(), "the child JVM survived");
            System.out.printf("output bound: %d pipelined GETs written, %s, %s%n", requests, limit, peakLine);
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor();
            }
            reader.join(5000);
        }
    }
}
