package io.asyncore.chat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Where an {@link AsyncChat} ends one message: Python's {@code terminator}, which is
 * bytes, an int, or None. A value type with exactly three kinds:
 * <ul>
 *   <li>{@link Delimiter}: a byte sequence of any length, such as {@code "\r\n"};
 *   <li>{@link Count}: a number of bytes still to receive;
 *   <li>{@link #NONE}: no terminator, everything is collected until the peer closes.
 * </ul>
 *
 * <p>As in Python ({@code if not terminator}), an empty delimiter and a count of 0 behave
 * like {@link #NONE}: {@link #collectsAll()} tells. A count terminator counts down while
 * bytes arrive and reads 0 once it fired, so
 * {@link AsyncChat#getTerminator()} shows how many bytes are still expected.
 */
@ProviderType
public sealed interface Terminator {

    /** No terminator: Python's {@code None}. */
    Terminator NONE = None.INSTANCE;

    /**
     * A delimiter terminator.
     *
     * @param delimiter the bytes that end a message; copied. Null gives {@link #NONE}
     * @return the terminator
     */
    static Terminator of(byte[] delimiter) {
        return delimiter == null ? NONE : new Delimiter(delimiter);
    }

    /**
     * A delimiter terminator made of the UTF-8 bytes of {@code delimiter}, for the common
     * {@code "\r\n"} and friends.
     *
     * @param delimiter the text that ends a message
     * @return the terminator
     * @throws NullPointerException if {@code delimiter} is null
     */
    static Terminator of(String delimiter) {
        if (delimiter == null) {
            throw new NullPointerException("Terminator.of: delimiter is null");
        }
        return new Delimiter(delimiter.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A count terminator: the message ends after {@code bytes} more bytes.
     *
     * @param bytes how many bytes to receive, 0 or more
     * @return the terminator
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    static Terminator count(long bytes) {
        return new Count(bytes);
    }

    /**
     * Whether this terminator never fires and all input is collected: Python's
     * {@code not terminator}, true for {@link #NONE}, an empty delimiter and a count of 0.
     *
     * @return true when data is collected without calling {@code foundTerminator}
     */
    boolean collectsAll();

    /**
     * A byte-sequence terminator. Immutable: the bytes are copied in and out.
     */
    final class Delimiter implements Terminator {
        private final byte[] bytes;

        /**
         * A delimiter.
         *
         * @param bytes the bytes that end a message; copied
         * @throws NullPointerException if {@code bytes} is null
         */
        public Delimiter(byte[] bytes) {
            if (bytes == null) {
                throw new NullPointerException("Delimiter: bytes is null");
            }
            this.bytes = bytes.clone();
        }

        /**
         * The delimiter's bytes.
         *
         * @return a copy
         */
        public byte[] bytes() {
            return bytes.clone();
        }

        /**
         * The delimiter's length.
         *
         * @return the number of bytes
         */
        public int length() {
            return bytes.length;
        }

        /** The chat reads the bytes without copying them. */
        byte[] shared() {
            return bytes;
        }

        @Override
        public boolean collectsAll() {
            return bytes.length == 0;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Delimiter d && Arrays.equals(bytes, d.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        /** Python's bytes repr, such as {@code b'\r\n'}. */
        @Override
        public String toString() {
            // As Python: double quotes when the bytes hold a ' and no ", so the ' needs no escape.
            char quote = indexOf('\'') >= 0 && indexOf('"') < 0 ? '"' : '\'';
            StringBuilder s = new StringBuilder("b").append(quote);
            for (byte b : bytes) {
                int c = b & 0xff;
                switch (c) {
                    case '\r' -> s.append("\\r");
                    case '\n' -> s.append("\\n");
                    case '\t' -> s.append("\\t");
                    case '\\' -> s.append("\\\\");
                    case '\'' -> s.append(quote == '\'' ? "\\'" : "'");
                    default -> {
                        if (c >= 0x20 && c < 0x7f) {
                            s.append((char) c);
                        } else {
                            s.append(String.format("\\x%02x", c));
                        }
                    }
                }
            }
            return s.append(quote).toString();
        }

        private int indexOf(char c) {
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == c) {
                    return i;
                }
            }
            return -1;
        }
    }

    /**
     * A count terminator: the number of bytes still to receive before the message ends.
     *
     * @param bytes the remaining byte count, 0 or more
     */
    record Count(long bytes) implements Terminator {
        /**
         * Checks the count.
         *
         * @throws IllegalArgumentException if {@code bytes} is negative
         */
        public Count {
            if (bytes < 0) {
                // Python: ValueError('the number of received bytes must be positive')
                throw new IllegalArgumentException("the number of received bytes must not be negative, got " + bytes);
            }
        }

        @Override
        public boolean collectsAll() {
            return bytes == 0;
        }

        /** The count, as Python shows the int. */
        @Override
        public String toString() {
            return Long.toString(bytes);
        }
    }

    /** No terminator: collect until the peer closes. Its one value is {@link Terminator#NONE}. */
    enum None implements Terminator {
        /** The one value. */
        INSTANCE;

        @Override
        public boolean collectsAll() {
            return true;
        }

        /** As Python shows it. */
        @Override
        public String toString() {
            return "None";
        }
    }
}
