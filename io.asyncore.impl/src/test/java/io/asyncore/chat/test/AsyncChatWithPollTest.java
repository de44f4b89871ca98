package io.asyncore.chat.test;

/** CPython's {@code TestAsynchat_WithPoll}: every scenario again with {@code usePoll}. */
class AsyncChatWithPollTest extends AsyncChatTest {

    @Override
    boolean usePoll() {
        return true;
    }
}
