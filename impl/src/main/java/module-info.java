/**
 * The java.nio {@link java.nio.channels.Selector} engine behind asyncore. Exports
 * nothing: applications reach it through {@code io.asyncore.api} (ServiceLoader on the
 * module path, the {@code EventLoop} service inside OSGi).
 */
module io.asyncore.impl {
    requires io.asyncore.api;

    provides io.asyncore.spi.Engine with io.asyncore.impl.SelectorEngine;
}
