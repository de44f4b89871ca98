package io.asyncore.examples.file;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.DispatcherWithSend;
import io.asyncore.OutputFlow;
import io.asyncore.examples.Failure;
import io.asyncore.file.FileDispatcher;
import io.asyncore.file.FileWrapper;
import io.asyncore.file.PosixException;
import java.io.FileDescriptor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * Python's classic {@code file_dispatcher} use: copies standard input (a pipe, file or
 * terminal) to a TCP peer through the loop, and the peer's answers to standard output,
 * all on one thread with no blocking call.
 *
 * <p>At the end of standard input the socket's output is shut down once everything is
 * sent; the program ends when the peer closes and standard output has been written.
 * Standard input and output are non-blocking while it runs (the flag belongs to the open
 * file, shared with the shell) and are restored on the way out.
 *
 * <p>Run on Java 22 or later, on the class path: {@code java
 * --enable-native-access=ALL-UNNAMED -cp 'examples/target/modules/*:examples/target/file-example/*'
 * io.asyncore.examples.file.StdinToTcp HOST PORT}.
 */
public final class StdinToTcp {

    private static final int CHUNK = 64 * 1024;

    private StdinToTcp() {}

    /**
     * Runs the copy until the peer closes.
     *
     * @param args host and port of the TCP peer
     * @throws IOException if standard input, output or the socket cannot be set up
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: StdinToTcp HOST PORT");
            System.exit(2);
        }
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        boolean inBlocking = blocking(FileDescriptor.in);
        boolean outBlocking = blocking(FileDescriptor.out);
        ChannelMap map = new ChannelMap("stdin-to-tcp");
        IOException failure;
        try {
            Output out = new Output(map);
            Peer peer = new Peer(map, out);
            Input in = new Input(map, peer);
            peer.input = in;
            out.peer = peer;
            peer.createSocket();
            peer.connect(target);
            Asyncore.loop(Duration.ofSeconds(30), false, map);
            failure = peer.failure;
        } catch (java.net.SocketException e) { // refused at once
            failure = e;
        } finally {
            Asyncore.closeAll(map, true);
            restore(FileDescriptor.in, inBlocking);
            restore(FileDescriptor.out, outBlocking);
        }
        if (failure != null) { // one line and status 1, not a stack trace and status 0
            Failure.exit("StdinToTcp", new IOException("cannot connect to " + target + ": " + failure.getMessage(), failure));
        }
    }

    private static boolean blocking(FileDescriptor descriptor) throws PosixException {
        try (FileWrapper probe = FileWrapper.of(descriptor)) {
            return probe.isBlocking();
        }
    }

    private static void restore(FileDescriptor descriptor, boolean blocking) throws PosixException {
        try (FileWrapper probe = FileWrapper.of(descriptor)) {
            probe.setBlocking(blocking);
        }
    }

    /** Standard input: what it reads goes to the peer, while the peer's buffer has room. */
    static final class Input extends FileDispatcher {
        private final Peer peer;

        Input(ChannelMap map, Peer peer) throws PosixException {
            super(FileDescriptor.in, map);
            this.peer = peer;
        }

        @Override
        public boolean readable() {
            return peer.isWritable();
        }

        @Override
        public boolean writable() {
            return false;
        }

        @Override
        protected void handleRead() throws IOException {
            byte[] data = recv(CHUNK);
            if (data.length > 0) {
                peer.send(data);
            }
        }

        @Override
        public void handleClose() {
            close();
            peer.inputDone();
        }
    }

    /** The TCP peer: buffered sends, and what it answers goes to standard output. */
    static final class Peer extends DispatcherWithSend {
        private final Output out;
        Input input;
        private boolean inputDone;
        private boolean shutDown;
        IOException failure;

        Peer(ChannelMap map, Output out) {
            super(map);
            this.out = out;
            setWatermarks(OutputFlow.SUGGESTED_LOW_WATERMARK, OutputFlow.SUGGESTED_HIGH_WATERMARK);
        }

        void inputDone() {
            inputDone = true;
        }

        @Override
        public boolean readable() {
            return out.pending() < OutputFlow.SUGGESTED_HIGH_WATERMARK && !outputFlow().isDraining();
        }

        @Override
        public boolean writable() {
            return super.writable() || (inputDone && !shutDown);
        }

        @Override
        protected void handleConnect() {
            // nothing to say first: standard input speaks
        }

        /** A connect that fails (refused, unreachable) is kept for main and ends the copy. */
        @Override
        public void handleError(Throwable error) {
            if (error instanceof IOException io && !isConnected() && failure == null) {
                failure = io;
                handleClose();
                return;
            }
            super.handleError(error);
        }

        @Override
        protected void handleRead() throws IOException {
            byte[] data = recv(CHUNK);
            if (data.length > 0) {
                out.queue(data);
            }
        }

        @Override
        protected void handleWrite() throws IOException {
            super.handleWrite();
            if (inputDone && !shutDown && connected && pendingOutputBytes() == 0) {
                shutDown = true;
                ((SocketChannel) channel()).shutdownOutput();
            }
        }

        @Override
        public void handleClose() {
            close();
            if (input != null) {
                input.close();
            }
            out.finish();
        }
    }

    /** Standard output: a queue written as fast as the terminal or pipe takes it. */
    static final class Output extends FileDispatcher {
        private ByteBuffer pending = ByteBuffer.allocate(CHUNK).flip();
        private boolean finishing;
        Peer peer;

        Output(ChannelMap map) throws PosixException {
            super(FileDescriptor.out, map);
        }

        int pending() {
            return pending.remaining();
        }

        void queue(byte[] data) {
            if (pending.capacity() - pending.limit() < data.length) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(pending.capacity() * 2, pending.remaining() + data.length));
                bigger.put(pending).flip();
                pending = bigger;
            }
            int position = pending.position();
            pending.position(pending.limit()).limit(pending.limit() + data.length);
            pending.put(data).position(position);
        }

        void finish() {
            finishing = true;
            if (!pending.hasRemaining()) {
                close();
            }
        }

        @Override
        public boolean readable() {
            return false;
        }

        @Override
        public boolean writable() {
            return pending.hasRemaining();
        }

        @Override
        protected void handleWrite() throws IOException {
            send(pending);
            if (!pending.hasRemaining()) {
                pending.clear().flip();
                if (finishing) {
                    close();
                }
            }
        }

        @Override
        public void handleClose() {
            close();
            if (peer != null) {
                peer.close();
            }
            if (peer != null && peer.input != null) {
                peer.input.close();
            }
        }
    }
}
