/**
 * Python's {@code asynchat}: chat-style (command/response) protocols on top of
 * {@link io.asyncore.Dispatcher}.
 *
 * <p>An {@link io.asyncore.chat.AsyncChat} splits its input at a
 * {@link io.asyncore.chat.Terminator} (a delimiter such as {@code "\r\n"}, a byte count,
 * or none: everything until the peer closes), hands the bytes to
 * {@code collectIncomingData} and calls {@code foundTerminator} at each terminator. Its
 * output is a queue of byte slices and {@link io.asyncore.chat.Producer}s, written in
 * order as the socket accepts them; {@link io.asyncore.chat.SimpleProducer} is Python's
 * {@code simple_producer}.
 *
 * <p>Beyond Python, memory per connection is bounded: the default collection
 * ({@code bufferIncomingData}/{@code getData}) may hold at most
 * {@link io.asyncore.chat.AsyncChat#getMaxInputBytes()} (64 MiB unless configured; past
 * it an {@link io.asyncore.chat.InputLimitExceededException} closes the channel), and
 * unsent output at most {@link io.asyncore.OutputFlow#maxOutputBytes()} (64 MiB unless
 * configured). Watermarks that pause reading are opt-in; see
 * {@link io.asyncore.OutputFlow}.
 *
 * <p>Threading: as for every dispatcher, all hooks run on the loop thread; call
 * {@code push} and friends there too (from a hook, or through
 * {@link io.asyncore.EventLoop#execute(Runnable)}).
 */
@Export
@Version("2.0.0")
package io.asyncore.chat;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
