package io.asyncore.itests;

import io.asyncore.ChannelMap;
import io.asyncore.file.FileDispatcher;
import io.asyncore.testkit.Descriptors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link FileDispatcher} of bundle {@code io.asyncore.file} reading a named pipe in the
 * framework's loop. Loaded only by the test that needs that bundle, so the other tests do
 * not wire the probe to it.
 */
final class FifoReader extends FileDispatcher {

    final CompletableFuture<String> received = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final int expected;

    FifoReader(int fd, ChannelMap map, int expected) throws IOException {
        super(fd, map);
        this.expected = expected;
        addChannel(); // complete (the class is final): joins also when made off the loop thread
    }

    @Override
    protected void handleRead() throws IOException {
        bytes.write(recv(1024));
        if (bytes.size() >= expected) {
            received.complete(bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Override
    protected void handleWrite() {
        // a reader only
    }

    @Override
    public boolean writable() {
        return false;
    }

    /**
     * The number of the descriptor this process has open on {@code path}:
     * {@link java.io.FileDescriptor} hides it, /proc/self/fd ({@link Descriptors}) does not.
     */
    static int descriptorOf(Path path) throws IOException {
        String target = path.toRealPath().toString();
        List<String> open = Descriptors.list(target::equals);
        if (open.isEmpty()) {
            throw new IOException("no descriptor of this process is open on " + target);
        }
        String entry = open.get(0); // "fd->target"
        return Integer.parseInt(entry.substring(0, entry.indexOf("->")));
    }
}
