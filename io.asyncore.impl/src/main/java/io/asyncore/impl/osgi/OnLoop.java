package io.asyncore.impl.osgi;

import io.asyncore.EventLoop;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs work on a loop's thread and waits for it: dispatcher state belongs to that thread,
 * so the shell commands never touch a dispatcher from their own.
 */
final class OnLoop {

    /**
     * How long a caller waits for the loop thread before giving up: a shell command, or a
     * whiteboard service event (which leaves its work queued on the loop).
     */
    static final long WAIT_SECONDS = 5;

    private OnLoop() {}

    /**
     * Calls {@code work} on {@code loop}'s thread (directly when already there) and returns
     * its answer.
     *
     * @param loop the loop
     * @param work what to do
     * @param <T> the answer's type
     * @return the answer
     * @throws RejectedExecutionException if the loop is closed
     * @throws TimeoutException if the loop thread did not get to it in time (a hook that
     *     blocks the loop, say)
     * @throws ExecutionException if the work threw
     * @throws InterruptedException if the caller was interrupted while waiting
     */
    static <T> T call(EventLoop loop, Callable<T> work)
            throws TimeoutException, ExecutionException, InterruptedException {
        if (loop.inEventLoop()) {
            try {
                return work.call();
            } catch (Exception e) {
                throw new ExecutionException(e);
            }
        }
        CompletableFuture<T> answer = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                answer.complete(work.call());
            } catch (Throwable e) {
                answer.completeExceptionally(e);
            }
        });
        return answer.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
