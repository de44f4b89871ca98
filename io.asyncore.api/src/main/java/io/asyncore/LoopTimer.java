package io.asyncore;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A task scheduled on a {@link TimerQueue}: the handle that {@link TimerQueue#schedule},
 * {@link TimerQueue#scheduleAtFixedRate} and the {@link EventLoop} forms return.
 *
 * <p>Threading: {@link #cancel()} and the accessors are thread-safe. The task itself runs
 * on the thread that drives the queue's map (the loop thread).
 */
@ProviderType
public final class LoopTimer {

    final TimerQueue queue;
    final Runnable task;
    final long periodNanos;
    // Guarded by the queue's lock.
    long deadline;
    long sequence;
    int index = -1;
    private volatile boolean cancelled;

    LoopTimer(TimerQueue queue, Runnable task, long deadline, long periodNanos) {
        this.queue = queue;
        this.task = task;
        this.deadline = deadline;
        this.periodNanos = periodNanos;
    }

    /**
     * Cancels the timer: its task will not start again. A task already running finishes.
     * Idempotent; any thread.
     *
     * @return true if this call cancelled it, false if it was cancelled before or was a
     *     one-shot timer that already ran
     */
    public boolean cancel() {
        return queue.cancel(this);
    }

    /**
     * Whether {@link #cancel()} ran, or the queue was cleared.
     *
     * @return true once cancelled
     */
    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * Whether the task repeats.
     *
     * @return true for {@link TimerQueue#scheduleAtFixedRate} timers
     */
    public boolean isPeriodic() {
        return periodNanos > 0;
    }

    void markCancelled() {
        cancelled = true;
    }

    @Override
    public String toString() {
        return "LoopTimer[" + task + (isPeriodic() ? ", every " + periodNanos + " ns" : "")
                + (cancelled ? ", cancelled" : "") + "]";
    }
}
