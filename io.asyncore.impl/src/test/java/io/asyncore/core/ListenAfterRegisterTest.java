package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.AddressFamily;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import io.asyncore.testkit.NoLeaks;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code listen()} replaces the placeholder stream socket with a listening one: the
 * dispatcher must stay in the map it is in at that moment, not fall back to the map it
 * was constructed with.
 */
@ExtendWith(NoLeaks.class)
class ListenAfterRegisterTest {

    /** Writes one byte to each accepted connection, then closes it. */
    static final class Greeter extends Dispatcher {
        Greeter() {
            super(new ChannelMap("construction"));
        }

        @Override
        protected void handleAccepted(SocketChannel channel, SocketAddress address) throws java.io.IOException {
            channel.configureBlocking(true);
            channel.write(java.nio.ByteBuffer.wrap(new byte[] {42}));
            channel.close();
        }
    }

    @Test
    void aDispatcherMovedIntoALoopListensInThatLoop() throws Exception {
        try (EventLoop loop = EventLoop.start("listen-after-register")) {
            Greeter greeter = new Greeter();
            ChannelMap constructionMap = greeter.map();
            greeter.createSocket(AddressFamily.INET);
            assertTrue(constructionMap.contains(greeter));

            CompletableFuture<Void> moved = new CompletableFuture<>();
            loop.execute(() -> {
                greeter.addChannel(loop.map());
                moved.complete(null);
            });
            moved.get(5, TimeUnit.SECONDS);

            CompletableFuture<SocketAddress> listening = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    greeter.bind(new InetSocketAddress("127.0.0.1", 0));
                    greeter.listen(5);
                    listening.complete(greeter.localAddress());
                } catch (Exception e) {
                    listening.completeExceptionally(e);
                }
            });
            InetSocketAddress address = (InetSocketAddress) listening.get(5, TimeUnit.SECONDS);

            assertTrue(loop.map().contains(greeter), "the listener stays in the loop's map");
            assertFalse(constructionMap.contains(greeter), "nor does it return to its construction map");
            try (Socket client = new Socket(address.getAddress(), address.getPort())) {
                client.setSoTimeout(5000);
                InputStream in = client.getInputStream();
                assertEquals(42, in.read(), "the loop accepted the connection");
            }
        }
    }
}
