/**
 * The asyncore programming model: dispatchers in a map, one thread, readiness events.
 *
 * <p>A {@link io.asyncore.Dispatcher} wraps one channel (TCP over IPv4 or IPv6, UDP, or a
 * Unix-domain stream socket) and receives Python's {@code handle_*} events as
 * {@code handleRead()}, {@code handleWrite()}, {@code handleAccept()} and friends.
 * Dispatchers live in a {@link io.asyncore.ChannelMap}; {@link io.asyncore.Asyncore#loop()}
 * runs passes over a map until it is empty, and an {@link io.asyncore.EventLoop} runs one
 * map on its own thread.
 *
 * <p>Threading rule: every hook, {@code readable()} and {@code writable()} run on the
 * thread that drives the map. Other threads reach a loop only through
 * {@link io.asyncore.EventLoop#execute(Runnable)} and by adding dispatchers.
 */
@Export
@Version("3.0.0")
package io.asyncore;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
