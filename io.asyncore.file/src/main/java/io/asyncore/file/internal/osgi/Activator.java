package io.asyncore.file.internal.osgi;

import io.asyncore.file.internal.FdPoller;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Inside OSGi: stopping the {@code io.asyncore.file} bundle ends its poller thread, so no
 * thread of a stopped bundle keeps running. File dispatchers still open at that moment
 * get an error event and close on their loops. Loaded only by a framework; on a plain
 * module path this class (and {@code osgi.core}) is never needed.
 */
public final class Activator implements BundleActivator {

    /** Made by the framework. */
    public Activator() {}

    @Override
    public void start(BundleContext context) {
        // the poller thread starts with the first registered descriptor
    }

    @Override
    public void stop(BundleContext context) throws InterruptedException {
        FdPoller.shutdown(5_000);
    }
}
