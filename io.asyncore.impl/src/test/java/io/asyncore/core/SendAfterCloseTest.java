package io.asyncore.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.asyncore.AddressFamily;
import io.asyncore.ChannelMap;
import io.asyncore.DispatcherWithSend;
import io.asyncore.testkit.NoLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Python's {@code dispatcher_with_send.send} on a closed dispatcher fails in the socket
 * with EBADF, which reaches {@code handle_close}; it must not buffer bytes that can never
 * be written.
 */
@ExtendWith(NoLeaks.class)
class SendAfterCloseTest {

    static final class Counting extends DispatcherWithSend {
        int closes;

        Counting() {
            super(new ChannelMap("send-after-close"));
        }

        @Override
        public void handleClose() {
            closes++;
            close();
        }
    }

    @Test
    void sendOnAClosedDispatcherWithSendCallsHandleCloseAndBuffersNothing() throws Exception {
        Counting d = new Counting();
        d.createSocket(AddressFamily.INET);
        d.close();
        assertEquals(0, d.send(new byte[1000]));
        assertEquals(1, d.closes);
        assertEquals(0, d.pendingOutputBytes());
    }
}
