package io.asyncore.file;

import io.asyncore.file.internal.Posix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.Disconnects;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * CPython 3.11's {@code test_asyncore.FileWrapperTest}, ported, plus the wrapper's own
 * edges. {@code test_resource_warning} has no Java counterpart: Java has no
 * deterministic finalization to warn from, and an unclosed wrapper is caught by the
 * descriptor-leak check that runs after every test class here instead.
 */
@ExtendWith(FdLeakCheck.class)
class FileWrapperTest {

    private static final byte[] D = "It's not dead, it's sleeping!".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    private Path testfn;

    @BeforeEach
    void setUp() throws IOException {
        testfn = dir.resolve("testfn");
        Files.write(testfn, D);
    }

    @Test
    void recv() throws IOException {
        int fd = Posix.open(testfn.toString(), Posix.O_RDONLY);
        FileWrapper w = new FileWrapper(fd);
        Posix.close(fd);

        assertNotEquals(fd, w.fileno());
        assertEquals("It's not dead", new String(w.recv(13), StandardCharsets.US_ASCII));
        assertEquals(", it's", new String(w.read(6), StandardCharsets.US_ASCII));
        w.close();
        PosixException e = assertThrows(PosixException.class, () -> w.read(1));
        assertEquals(Posix.EBADF, e.errno());
        assertEquals("read(-1): EBADF", e.getMessage());
    }

    @Test
    void send() throws IOException {
        byte[] d1 = "Come again?".getBytes(StandardCharsets.US_ASCII);
        byte[] d2 = "I want to buy some cheese.".getBytes(StandardCharsets.US_ASCII);
        int fd = Posix.open(testfn.toString(), Posix.O_WRONLY | 0x400 /* O_APPEND */);
        FileWrapper w = new FileWrapper(fd);
        Posix.close(fd);

        assertEquals(d1.length, w.write(d1));
        assertEquals(d2.length, w.send(d2));
        w.close();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(D);
        expected.writeBytes(d1);
        expected.writeBytes(d2);
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(testfn));
    }

    /** A regular file is always ready: two passes read it whole, then hit its end. */
    @Test
    void dispatcher() throws IOException {
        int fd = Posix.open(testfn.toString(), Posix.O_RDONLY);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        class Reader extends FileDispatcher {
            Reader(int fd) throws PosixException {
                super(fd);
            }

            @Override
            protected void handleRead() throws IOException {
                data.writeBytes(recv(29));
            }
        }
        Reader s = new Reader(fd);
        Posix.close(fd);
        Asyncore.loop(Duration.ofMillis(10), true, null, 2);
        assertArrayEquals(D, data.toByteArray());
        assertTrue(s.isClosed(), "the end of the file closed the dispatcher");
        assertEquals(-1, s.fileno());
    }

    @Test
    void closeTwice() throws IOException {
        int fd = Posix.open(testfn.toString(), Posix.O_RDONLY);
        FileWrapper f = new FileWrapper(fd);
        Posix.close(fd);

        Posix.close(f.fileno()); // the wrapper's duplicate, behind its back
        PosixException e = assertThrows(PosixException.class, f::close);
        assertTrue(e.getMessage().matches("close\\(\\d+\\): EBADF"), e.getMessage());
        assertEquals(-1, f.fileno());
        f.close(); // calling close twice must not fail
    }

    /** bpo-30980: a second close never closes an unrelated descriptor that reused the number. */
    @Test
    void closeTwiceLeavesReusedNumberAlone() throws IOException {
        int[] p = Posix.pipe(0);
        FileWrapper w = new FileWrapper(p[0]);
        int number = w.fileno();
        w.close();
        int reused = Posix.dup(p[1]);
        try {
            w.close();
            // still open: writing through it works
            assertEquals(1, Posix.write(reused, ByteBuffer.wrap(new byte[] {7})));
        } finally {
            Posix.close(reused);
            Posix.close(p[0]);
            Posix.close(p[1]);
        }
        assertTrue(number >= 0);
    }

    @Test
    void nonBlockingPipeAnswersNothingNowInsteadOfEagain() throws IOException {
        int[] p = Posix.pipe(0);
        try (FileWrapper r = new FileWrapper(p[0]); FileWrapper w = new FileWrapper(p[1])) {
            Posix.close(p[0]);
            Posix.close(p[1]);
            r.setBlocking(false);
            w.setBlocking(false);
            assertFalse(r.isBlocking());
            assertEquals(0, r.recv(ByteBuffer.allocate(10)), "EAGAIN is 0, not an error");
            assertEquals(0, r.recv(10).length);
            long total = 0;
            int n;
            byte[] chunk = new byte[65536];
            while ((n = w.send(chunk)) > 0) {
                total += n;
            }
            assertEquals(0, n, "a full pipe takes 0 bytes: EAGAIN");
            assertTrue(total >= 4096, "the pipe took " + total + " bytes first");
            ByteBuffer direct = ByteBuffer.allocateDirect(100);
            assertEquals(100, r.recv(direct));
            w.close();
            long drained = 100;
            while ((n = r.recv(ByteBuffer.allocateDirect(65536))) > 0) {
                drained += n;
            }
            assertEquals(total, drained);
            assertEquals(-1, n, "end of file once the writer closed and the pipe is empty");
        }
    }

    @Test
    void errorsNameTheCallAndErrno() throws IOException {
        PosixException bad = assertThrows(PosixException.class, () -> new FileWrapper(987_654));
        assertEquals("dup(987654): EBADF", bad.getMessage());
        assertEquals("EBADF", bad.errnoName());
        assertTrue(Disconnects.isDisconnect(bad), "EBADF is one of Python's disconnect errnos");

        int[] p = Posix.pipe(0);
        FileWrapper w = new FileWrapper(p[1]);
        Posix.close(p[0]);
        Posix.close(p[1]);
        try {
            PosixException pipe = assertThrows(PosixException.class, () -> w.send(new byte[] {1}));
            assertEquals("write(" + w.fileno() + "): EPIPE", pipe.getMessage());
            assertEquals(Posix.EPIPE, pipe.errno());
        } finally {
            w.close();
        }
    }

    @Test
    void standardStreamsByNumberOnly() throws IOException {
        assertEquals(0, FileWrapper.number(FileDescriptor.in));
        assertEquals(1, FileWrapper.number(FileDescriptor.out));
        assertEquals(2, FileWrapper.number(FileDescriptor.err));
        try (FileWrapper in = FileWrapper.of(FileDescriptor.in)) {
            assertTrue(in.fileno() > 2, "a duplicate, not fd 0 itself");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FileWrapper.of(new FileDescriptor()));
        assertTrue(e.getMessage().contains("pass the int fd"), e.getMessage());
    }
}
