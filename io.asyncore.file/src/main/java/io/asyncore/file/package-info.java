/**
 * Python's {@code file_wrapper} and {@code file_dispatcher}: Unix file descriptors
 * (pipes, FIFOs, terminals, eventfds, regular files) in the asyncore loop.
 *
 * <p>{@link io.asyncore.file.FileWrapper} owns a duplicate of a descriptor and reads and
 * writes it through {@code java.lang.foreign}; {@link io.asyncore.file.FileDispatcher}
 * puts it into the same {@link io.asyncore.ChannelMap} and loop as socket dispatchers.
 * Readiness comes from one shared {@code epoll} thread that only wakes the loop, or from
 * the loop's own backend when it watches descriptors itself
 * ({@link io.asyncore.spi.ReadinessSource#offerDescriptor}): every hook still runs on the
 * loop thread.
 *
 * <p>Requires Java 22 or later, Linux, and native access:
 * {@code --enable-native-access=io.asyncore.file} on the module path,
 * {@code --enable-native-access=ALL-UNNAMED} on the class path and inside OSGi.
 */
@Export
@Version("1.0.0")
package io.asyncore.file;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
