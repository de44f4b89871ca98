package io.asyncore.impl.osgi;

import io.asyncore.Dispatcher;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * The whiteboard's eyes: tracks {@link Dispatcher} services and hands each event to the
 * {@link Whiteboard}, which records it and queues the work on a loop. It runs no
 * dispatcher code and changes no map: the service events arrive on framework threads.
 */
final class DispatcherTracker implements ServiceTrackerCustomizer<Dispatcher, Registration> {

    private final BundleContext context;
    private final Whiteboard whiteboard;
    private final ServiceTracker<Dispatcher, Registration> tracker;

    DispatcherTracker(BundleContext context, Whiteboard whiteboard) {
        this.context = context;
        this.whiteboard = whiteboard;
        this.tracker = new ServiceTracker<>(context, Dispatcher.class, this);
    }

    /** Starts tracking: the services there are, and those to come. */
    void open() {
        tracker.open();
    }

    /** Stops tracking: every tracked service is reported removed. */
    void close() {
        tracker.close();
    }

    @Override
    public Registration addingService(ServiceReference<Dispatcher> reference) {
        Bundle bundle = reference.getBundle(); // null once unregistered: keep it now
        String owner = bundle == null ? "?" : bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]";
        Object id = reference.getProperty(Constants.SERVICE_ID);
        Registration r = new Registration(id instanceof Long l ? l : -1, owner, context.getService(reference),
                reference::getProperty);
        whiteboard.added(r);
        return r;
    }

    @Override
    public void modifiedService(ServiceReference<Dispatcher> reference, Registration r) {
        whiteboard.modified(r);
    }

    @Override
    public void removedService(ServiceReference<Dispatcher> reference, Registration r) {
        try {
            whiteboard.removed(r);
        } finally {
            try {
                context.ungetService(reference);
            } catch (IllegalStateException e) {
                // the impl bundle's context is already invalid: nothing left to release
            }
        }
    }
}
