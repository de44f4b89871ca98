package io.asyncore.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The far ends of {@link IdlePassBenchmark}'s idle connections, in a process of their own
 * so that 10,000 pairs fit under each process's descriptor limit. Usage:
 * {@code IdlePeers <port> <count>}: connects to 127.0.0.1, prints {@code READY}, stays
 * silent until its standard input ends.
 */
public final class IdlePeers {

    private IdlePeers() {}

    /**
     * Entry point.
     *
     * @param args port and count
     * @throws IOException if a connection fails
     */
    public static void main(String[] args) throws IOException {
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]));
        int count = Integer.parseInt(args[1]);
        List<SocketChannel> peers = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                peers.add(SocketChannel.open(target));
            }
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the benchmark to end
            }
        } finally {
            for (SocketChannel peer : peers) {
                peer.close();
            }
        }
    }
}
