package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.testkit.Await;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import io.asyncore.chat.AsyncChat;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Loop-only entry points assert that they run on the loop thread (the suite runs with
 * -ea): a call from another thread on a dispatcher that a loop serves fails at once,
 * naming the thread, instead of racing with the loop.
 */
class LoopThreadAssertTest {

    static final class Chat extends AsyncChat {
        Chat(SocketChannel channel) {
            super(channel);
        }

        @Override
        protected void collectIncomingData(byte[] data) {
            // nothing
        }

        @Override
        protected void foundTerminator() {
            // nothing
        }
    }

    @Test
    void offLoopCallsOnAServedDispatcherFailNamingTheThread() throws Exception {
        try (EventLoop loop = EventLoop.start("assert-loop");
                ServerSocketChannel acceptor = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                SocketChannel ours = SocketChannel.open(acceptor.getLocalAddress());
                SocketChannel peer = acceptor.accept()) {
            CompletableFuture<Chat> made = new CompletableFuture<>();
            loop.execute(() -> made.complete(new Chat(ours)));
            Chat chat = made.get(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            Dispatcher d = chat;

            AssertionError send = assertThrows(AssertionError.class, () -> d.send(new byte[] {1}));
            assertTrue(send.getMessage().contains("send") && send.getMessage().contains(Thread.currentThread().getName()),
                    send.getMessage());
            assertThrows(AssertionError.class, () -> d.recv(8));
            assertThrows(AssertionError.class, d::handleReadEvent);
            assertThrows(AssertionError.class, d::handleWriteEvent);
            assertThrows(AssertionError.class, d::close);
            AssertionError push = assertThrows(AssertionError.class, () -> chat.push(new byte[] {1}));
            assertTrue(push.getMessage().contains("push"), push.getMessage());
            assertThrows(AssertionError.class, chat::closeWhenDone);

            CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    chat.push(new byte[] {7});
                    chat.close();
                    onLoop.complete(true);
                } catch (IOException | RuntimeException e) {
                    onLoop.completeExceptionally(e);
                }
            });
            assertTrue(onLoop.get(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS), "the same calls on the loop thread");
            assertTrue(peer.read(java.nio.ByteBuffer.allocate(1)) == 1, "the push went out");
        }
    }
}
