package io.asyncore.impl;

/** Thread helpers the engine's own threads share. */
final class Threads {

    private Threads() {}

    /**
     * Waits until {@code thread} has ended, even if interrupted meanwhile: a loop or
     * watchdog that is told to stop must be gone when stop returns, so that no thread
     * outlives its owner. The interrupt is kept for the caller.
     */
    static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for {@code latch}, even if interrupted meanwhile; the interrupt is kept. */
    static void awaitUninterruptibly(java.util.concurrent.CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
