package io.asyncore.impl.jfr;

import io.asyncore.Dispatcher;
import io.asyncore.LimitExceededException;
import io.asyncore.spi.LoopObserver;
import java.io.IOException;

/**
 * Turns what a loop observes into JDK Flight Recorder events ({@code io.asyncore.*},
 * category "asyncore"): blocked passes, slow handlers, accept pauses, connection errors.
 * Each event carries the dispatcher's repr. An event is built only while a recording has
 * it enabled; otherwise the cost is one check, and these calls are rare anyway (never
 * per event in a healthy loop).
 */
public final class FlightEvents implements LoopObserver {

    /**
     * The one observer the engine installs in the maps it serves; null where
     * {@code jdk.jfr} cannot be loaded (an OSGi framework that does not export it).
     */
    public static final FlightEvents INSTANCE = available() ? new FlightEvents() : null;

    private FlightEvents() {}

    /**
     * Records a blocked pass; called by the watchdog thread.
     *
     * @param loop the loop's name
     * @param busyNanos how long the pass has been busy
     * @param thresholdNanos the threshold it passed
     * @param dispatcher the repr of the dispatcher whose hook runs, or null
     */
    public static void blockedPass(String loop, long busyNanos, long thresholdNanos, String dispatcher) {
        if (INSTANCE == null) {
            return;
        }
        BlockedPassEvent e = new BlockedPassEvent();
        if (e.shouldCommit()) {
            e.loop = loop;
            e.busy = busyNanos;
            e.threshold = thresholdNanos;
            e.dispatcher = dispatcher;
            e.commit();
        }
    }

    @Override
    public void slowHandler(Dispatcher d, long nanos, long thresholdNanos) {
        SlowHandlerEvent e = new SlowHandlerEvent();
        if (e.shouldCommit()) {
            e.dispatcher = repr(d);
            e.handlerTime = nanos;
            e.threshold = thresholdNanos;
            e.commit();
        }
    }

    @Override
    public void acceptPaused(Dispatcher listener, IOException cause, long pauseMillis) {
        AcceptPauseEvent e = new AcceptPauseEvent();
        if (e.shouldCommit()) {
            e.dispatcher = repr(listener);
            e.cause = cause.getMessage();
            e.pause = pauseMillis;
            e.commit();
        }
    }

    @Override
    public void hookFailed(Dispatcher d, Throwable error) {
        ConnectionErrorEvent e = new ConnectionErrorEvent();
        if (e.shouldCommit()) {
            e.dispatcher = repr(d);
            e.errorType = error.getClass().getName();
            e.message = error.getMessage();
            e.limit = error instanceof LimitExceededException;
            e.commit();
        }
    }

    /**
     * Whether jdk.jfr is there; loads the event classes now, so that recording an accept
     * pause never loads a class while the process is out of file descriptors.
     */
    private static boolean available() {
        try {
            Class.forName("jdk.jfr.Event", false, FlightEvents.class.getClassLoader());
            for (Class<?> c : new Class<?>[] {BlockedPassEvent.class, SlowHandlerEvent.class, AcceptPauseEvent.class,
                    ConnectionErrorEvent.class}) {
                Class.forName(c.getName(), true, c.getClassLoader());
            }
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * A dispatcher's repr that never throws (a user's toString may).
     *
     * @param d the dispatcher
     * @return its {@code toString()}, or a placeholder naming its class
     */
    public static String repr(Dispatcher d) {
        try {
            return d.toString();
        } catch (RuntimeException e) {
            return "<" + d.getClass().getName() + " at 0x" + Integer.toHexString(System.identityHashCode(d))
                    + ", toString() failed>";
        }
    }
}
