package io.asyncore.chat.test;

import static io.asyncore.chat.test.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.chat.AsyncChat;
import io.asyncore.testkit.Await;
import io.asyncore.testkit.LoopbackPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every received byte reaches {@code collectIncomingData} before any bound applies: an
 * application that collects by itself receives messages larger than the default bound's
 * old 1 MiB whole, and applies its own limit as Python's smtpd does (count, then answer
 * {@code 552} at the end of DATA, keeping the connection).
 */
class ApplicationCollectsTest {

    private static final int TWO_MIB = 2 << 20;

    private final ChannelMap map = new ChannelMap("application-collects");

    @AfterEach
    void close() {
        Asyncore.closeAll(map, true);
        Asyncore.closeAll();
    }

    private static byte[] random(int n, long seed) {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Writes {@code data} from a thread of its own, then half-closes if asked. */
    private static Thread write(SocketChannel peer, byte[] data, boolean shutdown, AtomicReference<IOException> failure) {
        Thread writer = new Thread(() -> {
            try {
                ByteBuffer buffer = ByteBuffer.wrap(data);
                while (buffer.hasRemaining()) {
                    peer.write(buffer);
                }
                if (shutdown) {
                    peer.shutdownOutput();
                }
            } catch (IOException e) {
                failure.set(e);
            }
        }, "collects-writer");
        writer.setDaemon(true);
        writer.start();
        return writer;
    }

    @Test
    void aTwoMebibyteCountTerminatorArrivesWhole() throws Exception {
        byte[] body = random(TWO_MIB, 1);
        try (LoopbackPair pair = LoopbackPair.open()) {
            RecordingChat chat = new RecordingChat(pair.near(), map); // collects by itself
            chat.setTerminator(TWO_MIB); // a length-prefixed body
            AtomicReference<IOException> failure = new AtomicReference<>();
            Thread writer = write(pair.far(), body, false, failure);
            Await.passesUntil(map, "the 2 MiB message", Duration.ofSeconds(60), () -> !chat.messages.isEmpty() || chat.isClosed());
            writer.join(30_000);
            assertNull(failure.get());
            assertEquals(List.of(), chat.errors);
            assertEquals(1, chat.messages.size());
            assertArrayEquals(body, chat.messages.get(0));
            assertFalse(chat.isClosed());
        }
    }

    @Test
    void aTwoMebibyteCollectUntilCloseArrivesWhole() throws Exception {
        byte[] body = random(TWO_MIB, 2);
        try (LoopbackPair pair = LoopbackPair.open()) {
            RecordingChat chat = new RecordingChat(pair.near(), map); // collects by itself
            chat.setTerminator(null); // Python's set_terminator(None)
            AtomicReference<IOException> failure = new AtomicReference<>();
            Thread writer = write(pair.far(), body, true, failure);
            Await.passesUntil(map, "the peer's end of stream", Duration.ofSeconds(60), chat::isClosed);
            writer.join(30_000);
            assertNull(failure.get());
            assertEquals(List.of(), chat.errors);
            assertEquals(1, chat.closes);
            assertArrayEquals(body, chat.current.toByteArray());
        }
    }

    /**
     * Python's smtpd {@code SMTPChannel}, reduced to the DATA path: commands end at
     * {@code \r\n}, DATA ends at {@code \r\n.\r\n}, and a body over the data size limit is
     * counted, not kept, and answered with {@code 552} when it ends.
     */
    static final class SmtpReceiver extends AsyncChat {
        /**
         * smtpd's DATA_SIZE_DEFAULT, 33554432 (32 MiB): {@code python3.11 -c "import smtpd;
         * print(smtpd.DATA_SIZE_DEFAULT)"}; the counting and the {@code 552} reply follow
         * 3.11's {@code SMTPChannel.collect_incoming_data} and {@code found_terminator}.
         */
        static final int DATA_SIZE_LIMIT = 33_554_432;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        long numBytes;
        boolean inData;
        int accepted;

        SmtpReceiver(SocketChannel channel, ChannelMap map) throws IOException {
            super(channel, map);
            setTerminator(b("\r\n"));
            push(b("220 ready\r\n"));
        }

        @Override
        protected void collectIncomingData(byte[] data) {
            // smtpd: if self.num_bytes + len(data) > limit: self.num_bytes = limit (stop keeping)
            if (numBytes + data.length > DATA_SIZE_LIMIT) {
                numBytes = DATA_SIZE_LIMIT + 1L;
                received.reset();
            } else if (numBytes <= DATA_SIZE_LIMIT) {
                numBytes += data.length;
                received.write(data, 0, data.length);
            }
        }

        @Override
        protected void foundTerminator() throws IOException {
            if (inData) {
                inData = false;
                setTerminator(b("\r\n"));
                if (numBytes > DATA_SIZE_LIMIT) {
                    push(b("552 Error: Too much mail data\r\n"));
                } else {
                    accepted++;
                    push(b("250 OK\r\n"));
                }
                numBytes = 0;
                received.reset();
                return;
            }
            String command = received.toString(StandardCharsets.US_ASCII);
            received.reset();
            numBytes = 0;
            if (command.equals("DATA")) {
                inData = true;
                setTerminator(b("\r\n.\r\n"));
                push(b("354 End data with <CR><LF>.<CR><LF>\r\n"));
            } else {
                push(b("250 OK\r\n"));
            }
        }
    }

    @Test
    void anSmtpdStyleReceiverAnswers552ToFortyMebibytesAndKeepsTheConnection() throws Exception {
        byte[] mail = new byte[40 << 20];
        java.util.Arrays.fill(mail, (byte) 'm');
        byte[] end = b("\r\n.\r\nNOOP\r\n");
        try (LoopbackPair pair = LoopbackPair.open()) {
            SmtpReceiver smtp = new SmtpReceiver(pair.near(), map);
            AtomicReference<IOException> failure = new AtomicReference<>();
            ByteBuffer all = ByteBuffer.allocate(6 + mail.length + end.length);
            all.put(b("DATA\r\n")).put(mail).put(end);
            Thread writer = write(pair.far(), all.array(), false, failure);
            String expected = "220 ready\r\n354 End data with <CR><LF>.<CR><LF>\r\n552 Error: Too much mail data\r\n250 OK\r\n";
            StringBuffer replies = new StringBuffer();
            Thread reader = new Thread(() -> {
                ByteBuffer in = ByteBuffer.allocate(4096);
                try {
                    while (replies.length() < expected.length()) {
                        in.clear();
                        int n = pair.far().read(in);
                        if (n < 0) {
                            break;
                        }
                        replies.append(new String(in.array(), 0, n, StandardCharsets.US_ASCII));
                    }
                } catch (IOException e) {
                    replies.append("[read failed: ").append(e).append(']');
                }
            }, "smtp-replies");
            reader.setDaemon(true);
            reader.start();
            Await.passesUntil(map, "the 552 and the NOOP's 250", Duration.ofSeconds(60), () -> !reader.isAlive() || smtp.isClosed());
            writer.join(30_000);
            reader.join(30_000);
            assertNull(failure.get());
            assertFalse(smtp.isClosed(), "the connection is kept");
            assertEquals(expected, replies.toString());
            assertEquals(0, smtp.accepted);
        }
    }

    @Test
    void theChatItselfHoldsNoMoreThanOneReadPlusATerminatorPrefix() throws Exception {
        try (LoopbackPair pair = LoopbackPair.open()) {
            RecordingChat chat = new RecordingChat(pair.near(), map);
            chat.setTerminator(b("\r\n.\r\n"));
            byte[] chunk = new byte[AsyncChat.DEFAULT_IN_BUFFER_SIZE - 2];
            java.util.Arrays.fill(chunk, (byte) 'z');
            chat.feed(chunk, b("\r\n"), chunk, b("\r\n."));
            assertEquals(3, chat.pendingInputBytes(), "the held prefix \\r\\n.");
            assertTrue(chat.maxPending <= AsyncChat.DEFAULT_IN_BUFFER_SIZE + 4, "held " + chat.maxPending);
            assertTrue(chat.isWritable());
        }
    }
}
