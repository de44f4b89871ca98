package io.asyncore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link Asyncore#strerror(int)} against Python 3.11's {@code os.strerror} on Linux,
 * printed with {@code python3 -c "import os; print([os.strerror(i) for i in (0, 9, 24,
 * 32, 41, 58, 103, 104, 107, 111, 133, 134, -1, 200, 99999)])"}.
 */
class ErrnoMessagesTest {

    @Test
    void knownNumbersGiveGlibcsText() {
        assertEquals("Success", Asyncore.strerror(0));
        assertEquals("Bad file descriptor", Asyncore.strerror(9));
        assertEquals("Too many open files", Asyncore.strerror(24));
        assertEquals("Broken pipe", Asyncore.strerror(32));
        assertEquals("Software caused connection abort", Asyncore.strerror(103));
        assertEquals("Connection reset by peer", Asyncore.strerror(104));
        assertEquals("Transport endpoint is not connected", Asyncore.strerror(107));
        assertEquals("Connection refused", Asyncore.strerror(111));
        assertEquals("Memory page has hardware error", Asyncore.strerror(133));
    }

    @Test
    void gapsAndNumbersOutsideTheTableAreUnknown() {
        assertEquals("Unknown error 41", Asyncore.strerror(41), "no errno 41 on Linux");
        assertEquals("Unknown error 58", Asyncore.strerror(58), "no errno 58 on Linux");
        assertEquals("Unknown error 134", Asyncore.strerror(134));
        assertEquals("Unknown error -1", Asyncore.strerror(-1));
        assertEquals("Unknown error 200", Asyncore.strerror(200));
        assertEquals("Unknown error 99999", Asyncore.strerror(99999));
    }
}
