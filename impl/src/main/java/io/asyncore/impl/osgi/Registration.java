package io.asyncore.impl.osgi;

import io.asyncore.Dispatcher;
import io.asyncore.EventLoop;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * One {@link Dispatcher} service seen by the whiteboard, and what became of it. The state
 * changes only on the loop thread (or on the tracker's thread once the loop has ended);
 * readers on other threads see it through a volatile field.
 */
final class Registration {

    /** What the whiteboard did with the service. */
    enum State {
        /** Seen; adoption is queued on the loop thread. */
        PENDING,
        /** In the loop's map, served by the loop thread. */
        ADOPTED,
        /** Not in any loop; {@link #reason()} says why. */
        UNADOPTED,
        /** Taken out of the loop because the loop stopped; the dispatcher stays open. */
        DETACHED,
        /** Closed, with everything it spawned, because its service went away. */
        CLOSED
    }

    private final ServiceReference<Dispatcher> reference;
    private final Dispatcher dispatcher;
    private final Bundle bundle;
    private final long serviceId;
    private volatile State state = State.PENDING;
    private volatile String reason;
    private volatile EventLoop loop;

    Registration(ServiceReference<Dispatcher> reference, Dispatcher dispatcher) {
        this.reference = reference;
        this.dispatcher = dispatcher;
        this.bundle = reference.getBundle(); // null once unregistered: keep it now
        Object id = reference.getProperty(Constants.SERVICE_ID);
        this.serviceId = id instanceof Long l ? l : -1;
    }

    ServiceReference<Dispatcher> reference() {
        return reference;
    }

    /** The service object, or null when the framework gave none. */
    Dispatcher dispatcher() {
        return dispatcher;
    }

    State state() {
        return state;
    }

    /** Why the dispatcher is not adopted, or null. */
    String reason() {
        return reason;
    }

    void state(State next) {
        state = next;
        if (next != State.UNADOPTED) {
            reason = null;
        }
    }

    void unadopted(String why) {
        reason = why;
        state = State.UNADOPTED;
    }

    /** The loop this dispatcher is given to (adopted, or adoption queued), or null. */
    EventLoop loop() {
        return loop;
    }

    void loop(EventLoop next) {
        loop = next;
    }

    long serviceId() {
        return serviceId;
    }

    /** The registering bundle as {@code symbolic-name [id]}. */
    String owner() {
        return bundle == null ? "?" : bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]";
    }

    @Override
    public String toString() {
        return "dispatcher service " + serviceId + " of bundle " + owner();
    }
}
