/**
 * The java.nio {@link java.nio.channels.Selector} engine behind asyncore. Exports
 * nothing: applications reach it through {@code io.asyncore.api} (ServiceLoader on the
 * module path, the {@code EventLoop} service inside OSGi).
 *
 * <p>{@code osgi.core} is needed only by the bundle activator (package
 * {@code io.asyncore.impl.osgi}), which runs only inside a framework: on a plain module
 * path the jar works without any OSGi jar. {@code org.osgi.service.cm} is used only when
 * a framework offers Config Admin (configured loops).
 */
module io.asyncore.impl {
    requires io.asyncore.api;
    requires static osgi.core;
    requires static org.osgi.service.cm;
    // the per-loop MBean and the flight recorder events; both are JDK modules
    requires java.management;
    requires jdk.jfr;

    provides io.asyncore.spi.Engine with io.asyncore.impl.SelectorEngine;
}
