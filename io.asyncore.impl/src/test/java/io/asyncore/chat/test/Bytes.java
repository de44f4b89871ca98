package io.asyncore.chat.test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/** Byte strings for tests, shown as Latin-1 text so that failures read well. */
final class Bytes {

    private Bytes() {}

    static byte[] b(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String s(byte[] data) {
        return new String(data, StandardCharsets.ISO_8859_1);
    }

    static List<String> strings(List<byte[]> messages) {
        return messages.stream().map(Bytes::s).collect(Collectors.toList());
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
