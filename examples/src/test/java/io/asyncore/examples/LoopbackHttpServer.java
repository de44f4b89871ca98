package io.asyncore.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A one-request HTTP/1.0 server on 127.0.0.1 for the client tests: records the request
 * head, answers with a fixed response, and closes the connection as HTTP/1.0 does.
 */
final class LoopbackHttpServer implements AutoCloseable {

    private final ServerSocket listener;
    private final byte[] response;
    private final CompletableFuture<String> request = new CompletableFuture<>();
    private final Thread thread;

    LoopbackHttpServer(byte[] body) throws IOException {
        listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        String head = "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        response = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, response, 0, headBytes.length);
        System.arraycopy(body, 0, response, headBytes.length, body.length);
        thread = new Thread(this::serveOne, "loopback-http");
        thread.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** The bytes the server sends: head and body. */
    byte[] response() {
        return response.clone();
    }

    /** The request head the client sent, up to and including the blank line. */
    String request() throws Exception {
        return request.get(30, TimeUnit.SECONDS);
    }

    private void serveOne() {
        try (Socket socket = listener.accept()) {
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!endsWithBlankLine(head.toByteArray())) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("client closed before the end of the request head");
                }
                head.write(b);
            }
            request.complete(head.toString(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(response);
            socket.getOutputStream().flush();
        } catch (IOException | RuntimeException e) {
            request.completeExceptionally(e);
        }
    }

    private static boolean endsWithBlankLine(byte[] b) {
        int n = b.length;
        return n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n';
    }

    @Override
    public void close() throws Exception {
        listener.close();
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}
