package io.asyncore.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Dispatcher;
import io.asyncore.EventLoopGroup;
import io.asyncore.EventLoopGroup.Accepting;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EventLoopGroup#listen}: one listener handing connections round robin, or one
 * listener per loop sharing the port with {@code SO_REUSEPORT}; either way every
 * connection echoes and both loops serve some.
 */
class GroupListenTest {

    private static final int CONNECTIONS = 64;

    private EventLoopGroup group;

    @AfterEach
    void closeGroup() {
        if (group != null) {
            group.close();
        }
    }

    /** Echoes one byte at a time, remembering which loop thread served it. */
    static final class Echo extends Dispatcher {
        static final Set<String> THREADS = ConcurrentHashMap.newKeySet();
        private final ByteBuffer buffer = ByteBuffer.allocate(64);

        Echo(SocketChannel channel) {
            super(channel);
        }

        @Override
        protected void handleRead() throws IOException {
            THREADS.add(Thread.currentThread().getName());
            buffer.clear();
            if (recv(buffer) > 0) {
                buffer.flip();
                send(buffer);
            }
        }

        @Override
        public boolean writable() {
            return false;
        }

        @Override
        public void handleClose() {
            close();
        }
    }

    private static void everyConnectionEchoes(SocketAddress address) throws IOException {
        InetSocketAddress inet = (InetSocketAddress) address;
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                Socket s = new Socket(inet.getAddress(), inet.getPort());
                s.setSoTimeout(5000);
                clients.add(s);
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.get(i).getOutputStream().write(i);
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                InputStream in = clients.get(i).getInputStream();
                assertEquals(i, in.read(), "echo on connection " + i);
            }
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
    }

    /** Starts a 2-loop group named {@code name} listening as {@code accepting}, and checks echoes and loops. */
    private List<Dispatcher> serve(String name, Accepting accepting, int listenerCount) throws IOException {
        Echo.THREADS.clear();
        group = EventLoopGroup.start(name, 2);
        List<Dispatcher> listeners = group.listen(new InetSocketAddress("127.0.0.1", 0), 128, accepting, Echo::new);
        assertEquals(listenerCount, listeners.size());
        everyConnectionEchoes(listeners.get(0).localAddress());
        // 64 connections over two loops: all on one would be a 1 in 2^63 chance.
        assertEquals(Set.of(name + "-0", name + "-1"), Echo.THREADS, "loops that served connections");
        return listeners;
    }

    @Test
    void aListenerPerLoopSharesThePortAndEachLoopServesItsOwn() throws Exception {
        List<Dispatcher> listeners = serve("reuse-port", Accepting.REUSE_PORT, 2);
        assertEquals(listeners.get(0).localAddress(), listeners.get(1).localAddress(), "one port for both");
        assertEquals(group.loop(0).map(), listeners.get(0).map());
        assertEquals(group.loop(1).map(), listeners.get(1).map());
    }

    @Test
    void oneListenerHandsConnectionsToEveryLoop() throws Exception {
        List<Dispatcher> listeners = serve("hand-off", Accepting.HAND_OFF, 1);
        assertEquals(group.loop(0).map(), listeners.get(0).map());
    }

    @Test
    void reusePortNeedsATcpAddress() {
        group = EventLoopGroup.start("unix", 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> group.listen(
                UnixDomainSocketAddress.of("/tmp/never-made.sock"), 5, Accepting.REUSE_PORT, Echo::new));
        assertTrue(e.getMessage().contains("SO_REUSEPORT"), e.getMessage());
    }
}
