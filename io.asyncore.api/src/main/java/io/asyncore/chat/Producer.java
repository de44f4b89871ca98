package io.asyncore.chat;

import java.io.IOException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Python's producer protocol: an object with a {@code more()} method that
 * {@link AsyncChat#pushWithProducer(Producer)} asks for data when the socket can take it.
 *
 * <p>A producer is asked lazily, on the loop thread, only when everything queued before
 * it has been written, so it can generate large or endless output without holding it all
 * in memory.
 */
@ConsumerType
@FunctionalInterface
public interface Producer {

    /**
     * The next piece of output. The chat writes the returned array as it is and never
     * modifies it; return a new array each time (or one you will not change again).
     *
     * @return the next bytes; an empty array (or null) means the producer is exhausted,
     *     and it is not asked again
     * @throws IOException if producing fails; it propagates out of the call that asked
     *     (a {@code push}, or the loop's write event, which reports it to
     *     {@link AsyncChat#handleError(Throwable)})
     */
    byte[] more() throws IOException;
}
