package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.ExitNow;
import io.asyncore.testkit.LogCapture;
import io.asyncore.testkit.NoLeaks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * CPython's {@code HelperFunctionTests}: {@code read}, {@code write}, {@code _exception}
 * and {@code readwrite} route each event to the right handler, let {@link ExitNow} through
 * and send anything else to {@code handle_error}; {@code close_all} closes and empties a
 * given map and the default one.
 *
 * <p>Not ported: {@code test_compact_traceback} (Python's {@code compact_traceback}
 * condenses a traceback into one line; Java hands the {@link Throwable} itself to
 * {@code handleError} and the logger, there is nothing to condense).
 */
@ExtendWith(NoLeaks.class)
class HelperFunctionTest {

    /** Python's {@code exitingdummy}: every event handler raises ExitNow. */
    static final class Exiting extends Dispatcher {
        Exiting() {
            super(new ChannelMap());
        }

        @Override public void handleReadEvent() { throw new ExitNow(); }
        @Override public void handleWriteEvent() { throw new ExitNow(); }
        @Override public void handleExptEvent() { throw new ExitNow(); }
        @Override public void handleClose() { throw new ExitNow(); }
    }

    /** Python's {@code crashingdummy}: every event handler raises; handle_error notes it. */
    static final class Crashing extends Dispatcher {
        Throwable errorHandled;

        Crashing() {
            super(new ChannelMap());
        }

        @Override public void handleReadEvent() throws IOException { throw new IOException("read"); }
        @Override public void handleWriteEvent() { throw new IllegalStateException("write"); }
        @Override public void handleExptEvent() { throw new AssertionError("expt"); }
        @Override public void handleClose() { throw new UnsupportedOperationException("close"); }
        @Override public void handleError(Throwable error) { errorHandled = error; }
    }

    /** Python's {@code testobj} of {@code test_readwrite}: records which handler ran. */
    static final class Recording extends Dispatcher {
        boolean read, write, expt, closed, errorHandled;

        Recording() {
            super(new ChannelMap());
        }

        @Override public void handleReadEvent() { read = true; }
        @Override public void handleWriteEvent() { write = true; }
        @Override public void handleExptEvent() { expt = true; }
        @Override public void handleClose() { closed = true; }
        @Override public void handleError(Throwable error) { errorHandled = true; }

        Map<String, Boolean> state() {
            return Map.of("read", read, "write", write, "expt", expt, "closed", closed, "error_handled", errorHandled);
        }
    }

    @AfterEach
    void closeAll() {
        Asyncore.closeAll();
    }

    @Test
    void readwriteexc() {
        Exiting tr1 = new Exiting();
        assertThrows(ExitNow.class, () -> Asyncore.read(tr1));
        assertThrows(ExitNow.class, () -> Asyncore.write(tr1));
        assertThrows(ExitNow.class, () -> Asyncore.exception(tr1));

        List<Consumer<Dispatcher>> helpers = List.of(Asyncore::read, Asyncore::write, Asyncore::exception);
        List<Class<?>> thrown = List.of(IOException.class, IllegalStateException.class, AssertionError.class);
        for (int i = 0; i < helpers.size(); i++) {
            Crashing tr2 = new Crashing();
            helpers.get(i).accept(tr2);
            assertEquals(thrown.get(i), tr2.errorHandled == null ? null : tr2.errorHandled.getClass());
        }
    }

    @Test
    void readwrite() {
        Object[][] expected = {
            {Asyncore.POLLIN, "read"},
            {Asyncore.POLLPRI, "expt"},
            {Asyncore.POLLOUT, "write"},
            {Asyncore.POLLERR, "closed"},
            {Asyncore.POLLHUP, "closed"},
            {Asyncore.POLLNVAL, "closed"},
        };
        for (Object[] row : expected) {
            int flag = (Integer) row[0];
            String attr = (String) row[1];
            Recording tobj = new Recording();
            assertFalse(tobj.state().get(attr));
            Asyncore.readwrite(tobj, flag);
            for (Map.Entry<String, Boolean> e : tobj.state().entrySet()) {
                assertEquals(e.getKey().equals(attr), e.getValue(), "flag " + flag + ": " + e.getKey());
            }

            Exiting tr1 = new Exiting();
            assertThrows(ExitNow.class, () -> Asyncore.readwrite(tr1, flag), "flag " + flag);

            Crashing tr2 = new Crashing();
            assertEquals(null, tr2.errorHandled);
            Asyncore.readwrite(tr2, flag);
            assertTrue(tr2.errorHandled != null, "flag " + flag);
        }
    }

    @Test
    void readwriteRoutesDisconnectErrorsToHandleClose() {
        // Python's readwrite: an OSError whose errno is in _DISCONNECTED calls handle_close,
        // not handle_error.
        List<String> calls = new ArrayList<>();
        Dispatcher d = new Dispatcher(new ChannelMap()) {
            @Override public void handleReadEvent() throws IOException { throw new IOException("Connection reset by peer"); }
            @Override public void handleWriteEvent() throws IOException { throw new IOException("Broken pipe"); }
            @Override public void handleClose() { calls.add("close"); }
            @Override public void handleError(Throwable error) { calls.add("error " + error.getMessage()); }
        };
        Asyncore.readwrite(d, Asyncore.POLLIN);
        Asyncore.readwrite(d, Asyncore.POLLOUT);
        assertEquals(List.of("close", "close"), calls);
    }

    @Test
    void readwriteDeliversInPythonsOrderAndStopsOnceClosed() {
        List<String> calls = new ArrayList<>();
        Dispatcher d = new Dispatcher(new ChannelMap()) {
            @Override public void handleReadEvent() { calls.add("read"); }
            @Override public void handleWriteEvent() { calls.add("write"); close(); }
            @Override public void handleExptEvent() { calls.add("expt"); }
            @Override public void handleClose() { calls.add("close"); }
        };
        Asyncore.readwrite(d, Asyncore.POLLIN | Asyncore.POLLOUT | Asyncore.POLLPRI | Asyncore.POLLHUP);
        assertEquals(List.of("read", "write"), calls, "a dispatcher closed in handle_write gets no further events");
    }

    @Test
    void errorFromHandleErrorClosesTheDispatcherAndIsNotThrown() throws IOException {
        ChannelMap map = new ChannelMap();
        Dispatcher d = new Dispatcher(map) {
            @Override public void handleReadEvent() { throw new IllegalStateException("first"); }
            @Override public void handleError(Throwable error) { throw new IllegalStateException("second"); }
        };
        d.createSocket();
        try (LogCapture log = LogCapture.of("io.asyncore.Asyncore")) {
            Asyncore.readwrite(d, Asyncore.POLLIN);
            assertEquals(1, log.records().size());
            assertEquals("second", log.records().get(0).getThrown().getMessage());
        }
        assertTrue(d.isClosed());
        assertFalse(map.contains(d));
    }

    @Test
    void virtualMachineErrorsPropagate() {
        Dispatcher d = new Dispatcher(new ChannelMap()) {
            @Override public void handleReadEvent() { throw new StackOverflowError("deep"); }
        };
        assertThrows(StackOverflowError.class, () -> Asyncore.readwrite(d, Asyncore.POLLIN));
    }

    @Test
    void currentIsTheDispatcherWhoseHandlerRuns() {
        Dispatcher[] seen = new Dispatcher[1];
        Dispatcher d = new Dispatcher(new ChannelMap()) {
            @Override public void handleReadEvent() { seen[0] = Asyncore.current(); }
        };
        Asyncore.read(d);
        assertSame(d, seen[0]);
        assertEquals(null, Asyncore.current(), "restored after the event");
    }

    @Test
    void closeall() throws IOException {
        closeallCheck(false);
    }

    @Test
    void closeallDefault() throws IOException {
        closeallCheck(true);
    }

    private void closeallCheck(boolean useDefault) throws IOException {
        ChannelMap testmap = useDefault ? ChannelMap.defaultMap() : new ChannelMap();
        List<Dispatcher> l = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Dispatcher c = new Dispatcher(testmap) {};
            c.createSocket();
            l.add(c);
            assertTrue(c.channel().isOpen());
        }
        assertEquals(10, testmap.size());
        if (useDefault) {
            Asyncore.closeAll();
        } else {
            Asyncore.closeAll(testmap, false);
        }
        assertEquals(0, testmap.size());
        for (Dispatcher c : l) {
            assertFalse(c.channel().isOpen());
            assertTrue(c.isClosed());
        }
    }

    @Test
    void closeallReportsAFailingCloseAfterClosingTheRest() throws IOException {
        ChannelMap map = new ChannelMap();
        List<Dispatcher> l = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Dispatcher c = new Dispatcher(map) {
                @Override public void close() {
                    super.close();
                    throw new IllegalStateException("close failed");
                }
            };
            c.createSocket();
            l.add(c);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Asyncore.closeAll(map, false));
        assertEquals("close failed", e.getMessage());
        assertTrue(map.isEmpty());
        for (Dispatcher c : l) {
            assertFalse(c.channel().isOpen());
        }
        // ignoreAll: nothing is thrown
        Dispatcher c = new Dispatcher(map) {
            @Override public void close() {
                super.close();
                throw new IllegalStateException("close failed");
            }
        };
        c.createSocket();
        Asyncore.closeAll(map, true);
        assertTrue(map.isEmpty());
    }

    @Test
    void closeallLetsExitNowThrough() throws IOException {
        // Python's close_all re-raises ExitNow even with ignore_all.
        ChannelMap map = new ChannelMap();
        Dispatcher c = new Dispatcher(map) {
            @Override public void close() {
                super.close();
                throw new ExitNow("stop");
            }
        };
        c.createSocket();
        assertThrows(ExitNow.class, () -> Asyncore.closeAll(map, true));
        assertTrue(map.isEmpty());
        assertFalse(c.channel().isOpen());
    }
}
