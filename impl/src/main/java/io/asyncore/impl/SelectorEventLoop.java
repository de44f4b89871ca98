package io.asyncore.impl;

import io.asyncore.Asyncore;
import io.asyncore.ChannelMap;
import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import io.asyncore.ExitNow;
import io.asyncore.impl.jmx.LoopMBean;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import javax.management.ObjectName;

/**
 * An {@link EventLoop} on its own thread: passes over its map, and between passes the
 * tasks queued by {@link #execute}. The thread ends after {@link #close()}, once every
 * dispatcher is closed and the selector released.
 */
final class SelectorEventLoop implements EventLoop {

    private static final System.Logger LOG = io.asyncore.spi.Logging.logger(SelectorEventLoop.class.getName());

    private final String name;
    private final long timeoutMillis;
    private final ChannelMap map;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile BlockedLoopWatchdog.Watch watchdog;
    private volatile ObjectName mbean;
    private final CountDownLatch serving = new CountDownLatch(1);

    private SelectorEventLoop(String name, Duration selectTimeout) {
        if (name == null) {
            throw new NullPointerException("event loop name is null");
        }
        if (selectTimeout == null || selectTimeout.isNegative() || selectTimeout.isZero()) {
            throw new IllegalArgumentException("select timeout must be positive, got " + selectTimeout);
        }
        this.name = name;
        this.timeoutMillis = Math.max(1, selectTimeout.toMillis());
        this.map = new ChannelMap(name);
        this.thread = new Thread(this::run, name);
    }

    static SelectorEventLoop start(String name, Duration selectTimeout, Duration blockedThreshold, int priority)
            throws IOException {
        if (blockedThreshold == null || blockedThreshold.isNegative()) {
            throw new IllegalArgumentException("blocked-loop threshold must be 0 or more, got " + blockedThreshold);
        }
        if (priority < Thread.MIN_PRIORITY || priority > Thread.MAX_PRIORITY) {
            throw new IllegalArgumentException("thread priority must be " + Thread.MIN_PRIORITY + " to "
                    + Thread.MAX_PRIORITY + ", got " + priority);
        }
        SelectorEventLoop loop = new SelectorEventLoop(name, selectTimeout);
        loop.thread.setPriority(priority);
        loop.map.poller(); // fail here, on the caller's thread, if no selector can be had
        loop.watchdog = BlockedLoopWatchdog.watch(name, loop.thread, loop.map, blockedThreshold);
        loop.mbean = LoopMBean.register(loop);
        loop.thread.start();
        // Return once the thread serves the map: a dispatcher made after start on this
        // thread must see another thread serving it, so that it waits for addChannel.
        Threads.awaitUninterruptibly(loop.serving);
        LOG.log(Level.INFO, "event loop " + name + " started");
        return loop;
    }

    private void run() {
        ChannelMap.setThreadDefault(map);
        serving.countDown();
        // Busy from here: tasks queued before the first pass run before any wait, and the
        // watchdog must see them too (it watches the stamp each wait's end renews).
        map.timers().endWait();
        try {
            while (!closed) {
                runTasks();
                if (closed) {
                    break;
                }
                map.poller().poll(map, tasks.isEmpty() ? timeoutMillis : 0);
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
            map.releasePoller();
            ChannelMap.setThreadDefault(null); // nobody serves the map any more
            BlockedLoopWatchdog.Watch w = watchdog;
            if (w != null) {
                BlockedLoopWatchdog.unwatch(w); // before this thread ends, so close() leaves no thread behind
            }
            LoopMBean.unregister(mbean);
            LOG.log(Level.INFO, "event loop " + name + " stopped");
        }
    }

    private void runTasks() {
        Runnable task;
        int ran = 0;
        while ((task = tasks.poll()) != null) {
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
        map.wakePoller(); // never opens a poller the ended loop has released
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
        Threads.joinUninterruptibly(thread);
    }

    @Override
    public String toString() {
        return "EventLoop[" + name + ", " + map.size() + " dispatchers" + (closed ? ", closed" : "") + "]";
    }
}
