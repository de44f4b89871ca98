package io.asyncore.file;

import io.asyncore.ChannelMap;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test dispatchers: a reader that collects until end of file, a writer that drains a buffer. */
final class Pumps {

    private Pumps() {}

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Reads everything until the end of file, which closes it. */
    static class Reader extends FileDispatcher {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final List<Throwable> errors = new ArrayList<>();
        final int chunk;
        volatile boolean wantRead = true;
        boolean closedByPeer;
        Thread hookThread;

        Reader(int fd, ChannelMap map, int chunk) throws PosixException {
            super(fd, map);
            this.chunk = chunk;
        }

        @Override
        public boolean readable() {
            return wantRead;
        }

        @Override
        public boolean writable() {
            return false;
        }

        @Override
        protected void handleRead() throws IOException {
            hookThread = Thread.currentThread();
            data.writeBytes(recv(chunk));
        }

        @Override
        public void handleClose() {
            closedByPeer = true;
            close();
        }

        @Override
        public void handleError(Throwable error) {
            errors.add(error);
            super.handleError(error);
        }
    }

    /** Writes its buffer until the descriptor is full (EAGAIN), resumes when writable, closes when done. */
    static class Writer extends FileDispatcher {
        final ByteBuffer out;
        final List<Throwable> errors = new ArrayList<>();
        int eagain;
        boolean closedByPeer;

        Writer(int fd, ChannelMap map, byte[] data) throws PosixException {
            super(fd, map);
            this.out = ByteBuffer.wrap(data);
        }

        @Override
        public boolean readable() {
            return false;
        }

        @Override
        public boolean writable() {
            return out.hasRemaining();
        }

        @Override
        protected void handleWrite() throws IOException {
            while (out.hasRemaining() && !isClosed()) {
                if (send(out) == 0) {
                    if (!isClosed()) {
                        eagain++;
                    }
                    return;
                }
            }
            if (!out.hasRemaining()) {
                close();
            }
        }

        @Override
        public void handleClose() {
            closedByPeer = true;
            close();
        }

        @Override
        public void handleError(Throwable error) {
            errors.add(error);
            super.handleError(error);
        }
    }
}
