package io.asyncore.examples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.EventLoop;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chat room with three real clients on 127.0.0.1, the room served by an {@link EventLoop}. */
class ChatRoomTest {

    @AfterEach
    void emptyDefaultMap() {
        Asyncore.closeAll();
    }

    /** A plain blocking client: a socket, lines in, bytes out. */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Client(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        String readLine() throws IOException {
            return in.readLine();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static <T> T onLoop(EventLoop loop, Supplier<T> query) throws Exception {
        CompletableFuture<T> answer = new CompletableFuture<>();
        loop.execute(() -> answer.complete(query.get()));
        return answer.get(30, TimeUnit.SECONDS);
    }

    /** Lines sent before a client was accepted would not reach it: wait for the room to fill. */
    private static void awaitSessions(EventLoop loop, ChatRoomServer room, int count) throws Exception {
        for (int i = 0; i < 1_000; i++) {
            if (onLoop(loop, room::sessionCount) == count) {
                return;
            }
            Thread.sleep(10);
        }
        assertEquals(count, (int) onLoop(loop, room::sessionCount), "clients in the room");
    }

    private static int port(ChatRoomServer room) throws IOException {
        return ((InetSocketAddress) room.localAddress()).getPort();
    }

    @Test
    void everyLineReachesEveryOtherClientAndNeverItsSender() throws Exception {
        try (EventLoop loop = EventLoop.start("chat-room-test")) {
            ChatRoomServer room = new ChatRoomServer("127.0.0.1", 0, loop.map());
            room.addChannel(); // made on this thread: joins once complete
            try (Client a = new Client(port(room)); Client b = new Client(port(room)); Client c = new Client(port(room))) {
                awaitSessions(loop, room, 3);

                a.send("hello from A\n");
                assertEquals("hello from A", b.readLine());
                assertEquals("hello from A", c.readLine());

                b.send("hi from B\r\n"); // telnet-style line end
                // A's first line is B's: A never got its own
                assertEquals("hi from B", a.readLine());
                assertEquals("hi from B", c.readLine());

                c.send("par"); // one line in two writes
                c.send("tial\nand two\n\n"); // and several lines in one
                for (Client other : new Client[] {a, b}) {
                    assertEquals("partial", other.readLine());
                    assertEquals("and two", other.readLine());
                    assertEquals("", other.readLine());
                }

                // B's next line is C's next, not its own
                b.send("from B again\n");
                c.send("from C again\n");
                assertEquals("from B again", a.readLine());
                assertEquals("from C again", b.readLine());
                assertEquals("from B again", c.readLine());
            }
        }
    }

    @Test
    void anOverlongLineDropsOnlyItsSender() throws Exception {
        try (EventLoop loop = EventLoop.start("chat-room-test")) {
            ChatRoomServer room = new ChatRoomServer("127.0.0.1", 0, loop.map());
            room.addChannel(); // made on this thread: joins once complete
            try (Client a = new Client(port(room)); Client b = new Client(port(room)); Client c = new Client(port(room))) {
                awaitSessions(loop, room, 3);

                char[] flood = new char[ChatRoomServer.MAX_LINE_BYTES + 100];
                Arrays.fill(flood, 'x');
                a.send(new String(flood)); // no newline: over the line limit
                awaitSessions(loop, room, 2);
                assertTrue(endOfStreamOrReset(a), "the flooding client is disconnected");

                b.send("still here\n");
                assertEquals("still here", c.readLine());

                // a line of exactly the limit still passes
                char[] longest = new char[ChatRoomServer.MAX_LINE_BYTES];
                Arrays.fill(longest, 'y');
                c.send(new String(longest) + "\r\n");
                assertEquals(new String(longest), b.readLine());
            }
        }
    }

    @Test
    void theLineLimitIsExactly4096BytesWithoutTheLineEnd() throws Exception {
        try (EventLoop loop = EventLoop.start("chat-room-test")) {
            ChatRoomServer room = new ChatRoomServer("127.0.0.1", 0, loop.map());
            room.addChannel(); // made on this thread: joins once complete
            String limit = "y".repeat(ChatRoomServer.MAX_LINE_BYTES);
            try (Client listener = new Client(port(room)); Client a = new Client(port(room))) {
                awaitSessions(loop, room, 2);
                a.send(limit + "\n");
                a.send(limit + "\r\n");
                assertEquals(limit, listener.readLine(), "4,096 bytes and \\n pass");
                assertEquals(limit, listener.readLine(), "4,096 bytes and \\r\\n pass");
                a.send(limit + "z\n"); // 4,097 bytes without \r
                awaitSessions(loop, room, 1);
                assertTrue(endOfStreamOrReset(a), "a 4,097-byte line closes its sender");
            }
            try (Client listener = new Client(port(room)); Client b = new Client(port(room))) {
                awaitSessions(loop, room, 2);
                b.send(limit + "z\r\n"); // 4,097 bytes before \r\n
                awaitSessions(loop, room, 1);
                assertTrue(endOfStreamOrReset(b), "a 4,097-byte line closes its sender with \\r\\n too");
                b.close();
                listener.send("bye\n");
            }
        }
    }

    @Test
    void aSilentClientIsClosedAfterTheIdleTimeout() throws Exception {
        try (EventLoop loop = EventLoop.start("chat-room-test")) {
            ChatRoomServer room = new ChatRoomServer("127.0.0.1", 0, loop.map());
            room.addChannel(); // made on this thread: joins once complete
            assertEquals(ChatRoomServer.IDLE_TIMEOUT, room.clientIdleTimeout());
            room.setClientIdleTimeout(java.time.Duration.ofMillis(300));
            try (Client silent = new Client(port(room))) {
                awaitSessions(loop, room, 1);
                assertTrue(endOfStreamOrReset(silent), "closed by the room");
                awaitSessions(loop, room, 0);
            }
        }
    }

    @Test
    void aClientThatLeavesIsForgotten() throws Exception {
        try (EventLoop loop = EventLoop.start("chat-room-test")) {
            ChatRoomServer room = new ChatRoomServer("127.0.0.1", 0, loop.map());
            room.addChannel(); // made on this thread: joins once complete
            try (Client b = new Client(port(room)); Client c = new Client(port(room))) {
                Client a = new Client(port(room));
                awaitSessions(loop, room, 3);
                a.close();
                awaitSessions(loop, room, 2);
                b.send("who is left?\n");
                assertEquals("who is left?", c.readLine());
            }
            assertTrue(onLoop(loop, () -> loop.map().contains(room)), "the room keeps listening");
        }
    }

    private static boolean endOfStreamOrReset(Client client) {
        try {
            assertNull(client.readLine());
            return true;
        } catch (IOException reset) {
            return true;
        }
    }
}
