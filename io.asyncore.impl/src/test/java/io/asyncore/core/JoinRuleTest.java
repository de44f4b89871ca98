package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.testkit.Await;
import io.asyncore.AddressFamily;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When a new dispatcher joins its map (the rule in the io.asyncore package javadoc): at
 * once on the map's loop thread, else only at an explicit addChannel or
 * EventLoop.register, so that no hook runs before its constructor returned.
 */
class JoinRuleTest {

    private EventLoop loop;
    private ServerSocketChannel acceptor;

    @AfterEach
    void tearDown() throws IOException {
        if (loop != null) {
            loop.close();
        }
        if (acceptor != null) {
            acceptor.close();
        }
    }

    /** A dispatcher whose constructor keeps running after super(channel): it records any hook that runs meanwhile. */
    static final class SlowToConstruct extends Dispatcher {
        private final AtomicReference<String> hookBeforeConstructed;
        private final boolean constructed;
        final CompletableFuture<String> firstRead = new CompletableFuture<>();

        SlowToConstruct(SocketChannel channel, ChannelMap map, AtomicReference<String> hookBeforeConstructed)
                throws InterruptedException {
            super(channel, map);
            this.hookBeforeConstructed = hookBeforeConstructed;
            Thread.sleep(300); // long enough for many passes of a loop on another thread
            constructed = true;
        }

        private void hook(String name) {
            // before the fields above are set, hookBeforeConstructed itself is still null
            if (!constructed) {
                String seen = name + " on " + Thread.currentThread().getName();
                if (hookBeforeConstructed != null) {
                    hookBeforeConstructed.compareAndSet(null, seen);
                } else {
                    EARLY.compareAndSet(null, seen);
                }
            }
        }

        @Override
        public boolean readable() {
            hook("readable");
            return true;
        }

        @Override
        public boolean writable() {
            hook("writable");
            return false;
        }

        @Override
        protected void handleRead() throws IOException {
            hook("handleRead");
            byte[] data = recv(64);
            if (data.length > 0) {
                firstRead.complete(Thread.currentThread().getName() + ":" + new String(data));
            }
        }

        @Override
        public void handleClose() {
            close();
        }
    }

    private static final AtomicReference<String> EARLY = new AtomicReference<>();

    /** A connected pair on loopback: returns our side; the peer has already sent "hi". */
    private SocketChannel connectedWithData() throws IOException {
        acceptor = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        SocketChannel ours = SocketChannel.open(acceptor.getLocalAddress());
        SocketChannel peer = acceptor.accept();
        peer.write(ByteBuffer.wrap("hi".getBytes()));
        peerToClose = peer;
        return ours;
    }

    private SocketChannel peerToClose;

    @AfterEach
    void closePeer() throws IOException {
        if (peerToClose != null) {
            peerToClose.close();
        }
    }

    @Test
    void madeOnAnotherThreadNoHookRunsBeforeTheConstructorReturned() throws Exception {
        loop = EventLoop.start("join-rule-off-loop");
        EARLY.set(null);
        AtomicReference<String> early = new AtomicReference<>();
        SlowToConstruct d = new SlowToConstruct(connectedWithData(), loop.map(), early);
        // Made here while the loop thread serves the map: not joined, so the loop, which
        // had 300 ms of passes meanwhile, asked it nothing (without the rule it had joined
        // inside super(channel) and the loop asked readable() at once).
        assertNull(early.get(), "a hook ran before the constructor returned");
        assertNull(EARLY.get(), "a hook ran before the constructor returned");
        assertFalse(loop.map().contains(d), "not in the map before addChannel");
        assertTrue(d.isConnected());

        d.addChannel(); // complete now: joins from the next pass
        String read = d.firstRead.get(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals("join-rule-off-loop:hi", read, "served on the loop thread once joined");
        assertTrue(loop.map().contains(d));
        loop.execute(d::close);
    }

    @Test
    void aDispatcherNeverJoinedIsNeverServedAndRegisterJoinsIt() throws Exception {
        // the documented behaviour when the explicit join is left out: nothing happens to it
        loop = EventLoop.start("join-rule-register");
        AtomicReference<String> early = new AtomicReference<>();
        SlowToConstruct d = new SlowToConstruct(connectedWithData(), loop.map(), early);
        CompletableFuture<Void> twoPasses = new CompletableFuture<>();
        loop.execute(() -> loop.execute(() -> twoPasses.complete(null)));
        twoPasses.get(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        assertFalse(loop.map().contains(d));
        assertFalse(d.firstRead.isDone(), "no hook of a dispatcher that never joined");

        loop.register(d);
        assertEquals("join-rule-register:hi", d.firstRead.get(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS));
        assertNull(early.get());
        loop.execute(d::close);
    }

    @Test
    void madeOnTheLoopThreadItJoinsAtOnceAsInPython() throws Exception {
        loop = EventLoop.start("join-rule-on-loop");
        SocketChannel channel = connectedWithData();
        CompletableFuture<Boolean> joinedInConstructor = new CompletableFuture<>();
        CompletableFuture<SlowToConstruct> made = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                SlowToConstruct d = new SlowToConstruct(channel, null, null); // null: the loop's map
                joinedInConstructor.complete(loop.map().contains(d));
                made.complete(d);
            } catch (InterruptedException e) {
                made.completeExceptionally(e);
            }
        });
        assertTrue(joinedInConstructor.get(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS), "joined with no addChannel");
        SlowToConstruct d = made.get();
        assertEquals("join-rule-on-loop:hi", d.firstRead.get(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS));
        loop.execute(d::close);
    }

    @Test
    void aSingleThreadedProgramJoinsAtOnce() throws Exception {
        // Python: dispatcher(sock) is in the map as soon as it is made; no loop runs yet.
        ChannelMap map = new ChannelMap("join-rule-single-thread");
        SlowToConstruct d = new SlowToConstruct(connectedWithData(), map, new AtomicReference<>());
        assertTrue(map.contains(d));
        Await.passesUntil(map, "read", d.firstRead::isDone);
        assertEquals(Thread.currentThread().getName() + ":hi", d.firstRead.get());
        d.close();
        Asyncore.closeAll(map, true); // releases its backend
    }

    @Test
    void aClientConnectedOnAnotherThreadJoinsAtAddChannelAndSeesItsConnect() throws Exception {
        loop = EventLoop.start("join-rule-client");
        acceptor = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        CompletableFuture<String> connectSeen = new CompletableFuture<>();
        Dispatcher client = new Dispatcher(loop.map()) {
            @Override
            protected void handleConnect() {
                connectSeen.complete(Thread.currentThread().getName());
            }

            @Override
            protected void handleRead() throws IOException {
                recv(64);
            }

            @Override
            public boolean writable() {
                return !isConnected();
            }

            @Override
            public void handleClose() {
                close();
            }
        };
        client.createSocket(AddressFamily.INET);
        SocketAddress server = acceptor.getLocalAddress();
        client.connect(server);
        try (SocketChannel accepted = acceptor.accept()) {
            assertFalse(loop.map().contains(client));
            assertFalse(connectSeen.isDone());
            client.addChannel();
            assertEquals("join-rule-client", connectSeen.get(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS));
        }
        loop.execute(client::close);
    }
}
