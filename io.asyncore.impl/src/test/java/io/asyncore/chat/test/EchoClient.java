package io.asyncore.chat.test;

import io.asyncore.AddressFamily;
import io.asyncore.ChannelMap;
import io.asyncore.chat.AsyncChat;
import io.asyncore.chat.Terminator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** The {@code echo_client} of CPython's test_asynchat. */
class EchoClient extends AsyncChat {

    /** Every message, as {@code foundTerminator} saw it; Python's {@code contents}. */
    final List<byte[]> contents = new ArrayList<>();
    /** The message being collected; Python's {@code buffer}. */
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    EchoClient(Terminator terminator, int serverPort, ChannelMap map) throws IOException {
        super(map);
        createSocket(AddressFamily.INET);
        connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort));
        useTerminator(terminator);
    }

    /** Sets Python's {@code ac_out_buffer_size}. */
    void setOutBufferSize(int size) {
        acOutBufferSize = size;
    }

    @Override
    protected void handleConnect() {
        // as Python's: nothing to do
    }

    @Override
    protected void collectIncomingData(byte[] data) {
        buffer.write(data, 0, data.length);
    }

    @Override
    protected void foundTerminator() {
        contents.add(buffer.toByteArray());
        buffer = new ByteArrayOutputStream();
    }
}
