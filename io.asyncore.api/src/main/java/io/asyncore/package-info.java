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
 * {@link io.asyncore.EventLoop#execute(Runnable)} and by adding dispatchers
 * ({@link io.asyncore.Dispatcher#addChannel()}, {@link io.asyncore.EventLoop#register}).
 * A map's <em>loop thread</em> is the thread of the {@link io.asyncore.EventLoop} that
 * owns it, or the thread running {@link io.asyncore.Asyncore#loop()} or a single pass over
 * it; a map no thread serves belongs to whichever thread uses it, as in a Python program.
 *
 * <h2 id="map-rule">Which map a new dispatcher joins</h2>
 * The map given to its constructor. Without one (or with null): the map of the
 * dispatcher whose hook is running on this thread (so a connection accepted in
 * {@code handleAccepted} joins its listener's loop), else the map of the
 * {@link io.asyncore.EventLoop} whose thread this is, else
 * {@link io.asyncore.ChannelMap#defaultMap()}, Python's {@code socket_map}.
 *
 * <h2 id="join-rule">When it joins: only once fully constructed</h2>
 * A dispatcher joins its map when it gets a socket: in the constructor that takes a
 * channel, or in {@code createSocket}, {@code setSocket} or {@code listen}.
 * <ul>
 *   <li>On the map's loop thread (in a hook, in an {@code EventLoop.execute} task, or in a
 *       single-threaded program before or between its passes) it joins there and then,
 *       as in Python: nothing else runs on that thread until the constructor returned.
 *   <li>On any other thread while a loop serves the map, it does not join: the loop
 *       would call its hooks while a subclass constructor may still be running. Once the
 *       dispatcher is fully constructed, call {@code addChannel()} (thread-safe; it joins
 *       from the map's next pass) or hand it to {@code EventLoop.register}. Until then
 *       {@code map().contains(dispatcher)} is false and no hook runs. Simplest of all:
 *       make the dispatcher inside {@code loop.execute(() -> new Handler(...))}.
 * </ul>
 * {@code bind}, {@code connect} and the options may be called on the constructing thread
 * before the join; after it, the dispatcher belongs to the loop thread.
 */
@Export
@Version("3.0.0")
package io.asyncore;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
