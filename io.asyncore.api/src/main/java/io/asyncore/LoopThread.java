package io.asyncore;

import io.asyncore.spi.LoopHooks;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;

/**
 * An {@link EventLoop} on its own thread: passes over its map, and between passes the
 * tasks queued by {@link #execute}. The thread ends after {@link #close()}, once every
 * dispatcher is closed and the backend released. The engine supplies the backend and,
 * through {@link LoopHooks}, what it adds around the thread (a watchdog, a management bean).
 */
final class LoopThread implements EventLoop {

    private static final System.Logger LOG = io.asyncore.spi.Logging.logger(LoopThread.class.getName());

    private final String name;
    private final long timeoutMillis;
    private final ChannelMap map;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final LoopHooks hooks;
    private volatile boolean closed;
    private final CountDownLatch serving = new CountDownLatch(1);

    private LoopThread(String name, Duration selectTimeout, LoopHooks hooks) {
        if (name == null) {
            throw new NullPointerException("event loop name is null");
        }
        if (selectTimeout == null || selectTimeout.isNegative() || selectTimeout.isZero()) {
            throw new IllegalArgumentException("select timeout must be positive, got " + selectTimeout);
        }
        this.name = name;
        this.hooks = hooks == null ? LoopHooks.NONE : hooks;
        this.timeoutMillis = Math.max(1, selectTimeout.toMillis());
        this.map = new ChannelMap(name);
        this.thread = new Thread(this::run, name);
    }

    /** Starts a loop; see {@link io.asyncore.spi.LoopDriver#start}. */
    static LoopThread start(String name, Duration selectTimeout, int priority, LoopHooks hooks) throws IOException {
        if (priority < Thread.MIN_PRIORITY || priority > Thread.MAX_PRIORITY) {
            throw new IllegalArgumentException("thread priority must be " + Thread.MIN_PRIORITY + " to "
                    + Thread.MAX_PRIORITY + ", got " + priority);
        }
        LoopThread loop = new LoopThread(name, selectTimeout, hooks);
        loop.thread.setPriority(priority);
        loop.map.pass(); // fail here, on the caller's thread, if no backend can be had
        loop.hooks.starting(loop, loop.thread);
        loop.thread.start();
        // Return once the thread serves the map: a dispatcher made after start on this
        // thread must see another thread serving it, so that it waits for addChannel.
        loop.awaitServing();
        LOG.log(Level.INFO, "event loop " + name + " started");
        return loop;
    }

    /**
     * Makes the current thread the one that serves {@code map}, busy from now: tasks
     * queued before the first pass run before any wait, and the watchdog must see them too.
     */
    static void serve(ChannelMap map) {
        ChannelMap.setThreadDefault(map);
        map.counters().busyFrom(System.nanoTime());
    }

    /** Waits, without giving up on an interrupt, until the loop's thread serves its map. */
    private void awaitServing() {
        boolean interrupted = false;
        while (true) {
            try {
                serving.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        serve(map);
        serving.countDown();
        try {
            while (!closed) {
                runTasks();
                if (closed) {
                    break;
                }
                map.pass().run(tasks.isEmpty() ? timeoutMillis : 0, true);
            }
        } catch (ExitNow e) {
            LOG.log(Level.INFO, "event loop " + name + " ends: " + e.getMessage());
        } catch (Throwable e) {
            LOG.log(Level.ERROR, "event loop " + name + " failed", e);
        } finally {
            closed = true;
            runTasks();
            Asyncore.closeAll(map, true);
            map.timers().clear();
            map.releaseBackend();
            ChannelMap.setThreadDefault(null); // nobody serves the map any more
            try {
                hooks.ended(this); // before this thread ends, so close() leaves no thread behind
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.ERROR, "ending event loop " + name + " failed", e);
            }
            LOG.log(Level.INFO, "event loop " + name + " stopped");
        }
    }

    /**
     * Runs the tasks queued when it starts, not those they queue: a task that queues
     * itself again would otherwise keep the loop from its passes, and every channel from
     * its events, for as long as it does so.
     */
    private void runTasks() {
        Runnable task;
        int ran = 0;
        int queued = tasks.isEmpty() ? 0 : tasks.size(); // size() walks the queue: not when empty
        while (ran < queued && (task = tasks.poll()) != null) {
            ran++;
            try {
                task.run();
            } catch (ExitNow e) {
                closed = true;
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                LOG.log(Level.ERROR, "task on event loop " + name + " failed", e);
            }
        }
        if (ran > 0) {
            map.counters().countTasks(ran);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ChannelMap map() {
        return map;
    }

    @Override
    public boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void execute(Runnable task) {
        if (task == null) {
            throw new NullPointerException("task is null");
        }
        if (closed) {
            throw new RejectedExecutionException("event loop " + name + " is closed");
        }
        tasks.add(task);
        // The loop may have closed meanwhile and run its last tasks: a task still queued
        // now would never run, so take it back and reject it.
        if (closed && tasks.remove(task)) {
            throw new RejectedExecutionException("event loop " + name + " is closed");
        }
        map.wakePoller(); // never opens a backend the ended loop has released
    }

    @Override
    public void register(Dispatcher dispatcher) {
        if (dispatcher == null) {
            throw new NullPointerException("dispatcher is null");
        }
        execute(() -> dispatcher.addChannel(map));
    }

    @Override
    public void close() {
        closed = true;
        if (inEventLoop()) {
            return;
        }
        map.wakePoller(); // after the loop ended there is none, and none is opened
        awaitEnd();
    }

    /** Waits for the thread to end even if interrupted meanwhile; keeps the interrupt. */
    private void awaitEnd() {
        boolean interrupted = false;
        for (;;) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "EventLoop[" + name + ", " + map.size() + " dispatchers" + (closed ? ", closed" : "") + "]";
    }
}
