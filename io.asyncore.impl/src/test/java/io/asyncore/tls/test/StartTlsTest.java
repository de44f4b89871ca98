package io.asyncore.tls.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import io.asyncore.chat.AsyncChat;
import io.asyncore.tls.TlsConfig;
import io.asyncore.tls.TlsLayer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * STARTTLS: Python 3.11's {@code smtplib.SMTP.starttls()} upgrades a plaintext SMTP
 * session with our {@link AsyncChat} server in place, then sends a mail over TLS.
 */
class StartTlsTest {

    static final String CLIENT = """
            import smtplib, ssl, sys
            port, cafile = int(sys.argv[1]), sys.argv[2]
            ctx = ssl.create_default_context(cafile=cafile)
            with smtplib.SMTP("localhost", port, timeout=10) as smtp:
                smtp.ehlo()
                print("starttls offered", smtp.has_extn("starttls"), flush=True)
                code, _ = smtp.starttls(context=ctx)
                print("starttls", code, smtp.sock.version(), flush=True)
                smtp.sendmail("a@example.test", ["b@example.test"], "Subject: hi\\r\\n\\r\\nover TLS\\r\\n")
                print("sent", flush=True)
            print("done", flush=True)
            """;

    /** An SMTP-ish session: just enough of RFC 5321 and RFC 3207 for smtplib. */
    static final class Smtp extends AsyncChat {
        final List<String> commands;
        final List<String> mails;
        final TlsConfig config;
        private final StringBuilder line = new StringBuilder();
        private boolean inData;

        Smtp(SocketChannel channel, TlsConfig config, List<String> commands, List<String> mails) throws IOException {
            super(channel);
            this.config = config;
            this.commands = commands;
            this.mails = mails;
            setTerminator("\r\n".getBytes(StandardCharsets.US_ASCII));
            reply("220 localhost ESMTP asyncore");
        }

        private void reply(String text) throws IOException {
            push((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        protected void collectIncomingData(byte[] data) {
            line.append(new String(data, StandardCharsets.US_ASCII));
        }

        @Override
        protected void foundTerminator() throws IOException {
            String l = line.toString();
            line.setLength(0);
            if (inData) {
                if (l.equals(".")) {
                    inData = false;
                    reply("250 OK queued");
                } else {
                    mails.add(l);
                }
                return;
            }
            String verb = l.split(" ", 2)[0].toUpperCase();
            boolean tls = TlsLayer.of(this) != null;
            commands.add((tls ? "tls " : "plain ") + verb);
            switch (verb) {
                case "EHLO" -> reply(tls ? "250 localhost" : "250-localhost\r\n250 STARTTLS");
                case "STARTTLS" -> {
                    reply("220 Ready to start TLS");
                    TlsLayer.server(this, config); // the reply goes out in plaintext, then the handshake
                }
                case "MAIL", "RCPT" -> reply("250 OK");
                case "DATA" -> {
                    inData = true;
                    reply("354 End data with <CR><LF>.<CR><LF>");
                }
                case "QUIT" -> {
                    reply("221 Bye");
                    closeWhenDone();
                }
                default -> reply("502 Command not implemented");
            }
        }

        @Override
        public void handleError(Throwable error) {
            commands.add("error " + error);
            close();
        }
    }

    static final class Listener extends Dispatcher {
        final List<String> commands = new CopyOnWriteArrayList<>();
        final List<String> mails = new CopyOnWriteArrayList<>();
        final TlsConfig config = Certs.server().build();

        Listener(ChannelMap map) throws IOException {
            super(map);
            createSocket(AddressFamily.INET);
            bind(new InetSocketAddress("127.0.0.1", 0));
            listen(5);
        }

        @Override
        protected void handleAccepted(SocketChannel channel, SocketAddress address) throws IOException {
            new Smtp(channel, config, commands, mails);
        }
    }

    private EventLoop loop;

    @BeforeEach
    void start() {
        loop = EventLoop.start("tls-starttls");
    }

    @AfterEach
    void stop() {
        loop.close();
    }

    @Test
    void smtplibUpgradesInPlaceAndSendsAMailOverTls() throws Exception {
        Listener server = OnLoop.call(loop, () -> new Listener(loop.map()));
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (Peer python = Peer.python(CLIENT, String.valueOf(port), Certs.cert().toString())) {
            assertEquals("True", python.awaitPrefix("starttls offered "));
            String upgraded = python.awaitPrefix("starttls ");
            assertTrue(upgraded.startsWith("220 TLSv1."), upgraded);
            python.await("sent", "sent"::equals);
            python.await("done", "done"::equals);
            assertEquals(0, python.exit(), () -> python.output().toString());
        }
        assertEquals(List.of("plain EHLO", "plain STARTTLS", "tls EHLO", "tls MAIL", "tls RCPT", "tls DATA", "tls QUIT"),
                server.commands);
        assertTrue(server.mails.contains("over TLS"), server.mails::toString);
    }
}
