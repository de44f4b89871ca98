/**
 * The engine SPI: how the programming model reaches the code that waits for readiness.
 *
 * <p>Applications never implement these types. {@code io.asyncore.impl} provides the
 * {@link io.asyncore.spi.Engine} built on {@link java.nio.channels.Selector}; other
 * modules (such as {@code io.asyncore.file}) use {@link io.asyncore.spi.ReadinessSource}
 * to put channels the JDK selector cannot watch into the same loop.
 */
@Export
@Version("1.1.0")
package io.asyncore.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
