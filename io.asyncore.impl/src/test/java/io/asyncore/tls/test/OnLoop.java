package io.asyncore.tls.test;

import io.asyncore.EventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Runs a piece of set-up on a loop's thread and hands back its result. */
final class OnLoop {

    private OnLoop() {}

    static <T> T call(EventLoop loop, Callable<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(30, TimeUnit.SECONDS);
    }
}
