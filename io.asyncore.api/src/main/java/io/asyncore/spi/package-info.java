/**
 * The engine SPI: how the programming model reaches the code that waits for readiness.
 *
 * <p>The core owns Python's pass: it asks every dispatcher {@code readable()} and
 * {@code writable()}, delivers events, runs timers and counts. An
 * {@link io.asyncore.spi.Engine} only opens {@link io.asyncore.spi.ReadinessBackend}s: a
 * backend registers a channel or a {@link io.asyncore.spi.ReadinessSource} and returns a
 * {@link io.asyncore.spi.Registration} (interest, cancel), waits with a timeout reporting
 * ready registrations to a {@link io.asyncore.spi.ReadySink}, and can be woken. An
 * engine's event-loop thread runs the core's passes through
 * {@link io.asyncore.spi.LoopDriver}.
 *
 * <p>Applications never implement these types. {@code io.asyncore.impl} provides the
 * {@link io.asyncore.spi.Engine} built on {@link java.nio.channels.Selector}; other
 * modules (such as {@code io.asyncore.file}) use {@link io.asyncore.spi.ReadinessSource}
 * to put channels the JDK selector cannot watch into the same loop.
 */
@Export
@Version("2.0.0")
package io.asyncore.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
