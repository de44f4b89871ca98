package io.asyncore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link CompactTraceback} in the shape of Python 3.11's {@code asyncore.compact_traceback()},
 * which for {@code def f(): raise ValueError("boom")} called at line 8 and raising at line
 * 6 returns {@code (('<stdin>', 'f', '6'), ValueError, ValueError('boom'),
 * '[<stdin>|<module>|8] [<stdin>|f|6]')}: the innermost frame as three strings, and the
 * frames from the outermost (the one that caught it) in to the innermost.
 */
class CompactTracebackTest {

    private static StackTraceElement frame(String type, String method, String file, int line) {
        return new StackTraceElement(type, method, file, line);
    }

    @Test
    void framesRunFromTheDeliveringAsyncoreFrameInToWhereItWasThrown() {
        IllegalStateException e = new IllegalStateException("boom");
        e.setStackTrace(new StackTraceElement[] {
            frame("app.Handler", "parse", "Handler.java", 6),
            frame("app.Handler", "handleRead", "Handler.java", 8),
            frame("io.asyncore.Delivery", "deliver", "Delivery.java", 100),
            frame("io.asyncore.impl.Engine", "pass", "Engine.java", 50), // beyond the catching frame
        });
        CompactTraceback t = Asyncore.compactTraceback(e);
        assertEquals("Handler.java", t.file());
        assertEquals("parse", t.function());
        assertEquals("6", t.line(), "a string, as in Python");
        assertEquals(IllegalStateException.class, t.type());
        assertEquals("boom", t.message());
        assertEquals("[Delivery.java|deliver|100] [Handler.java|handleRead|8] [Handler.java|parse|6]", t.info());
    }

    @Test
    void withoutAnAsyncoreFrameOnlyTheInnermostIsShownAndUnknownFilesAreQuestionMarks() {
        RuntimeException e = new RuntimeException();
        e.setStackTrace(new StackTraceElement[] {
            frame("gen.Proxy", "invoke", null, -1),
            frame("app.Main", "main", "Main.java", 3),
        });
        CompactTraceback t = Asyncore.compactTraceback(e);
        assertEquals("[?|invoke|-1]", t.info());
        assertEquals("?", t.file());
        assertNull(t.message());
    }

    @Test
    void anExceptionWithoutAStackTraceHasNoTraceback() {
        // Python: AssertionError("traceback does not exist")
        RuntimeException bare = new RuntimeException("bare", null, false, false) { };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Asyncore.compactTraceback(bare));
        assertTrue(e.getMessage().startsWith("traceback does not exist"), e.getMessage());
        assertThrows(NullPointerException.class, () -> Asyncore.compactTraceback(null));
    }
}
