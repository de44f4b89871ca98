/**
 * The two examples of Python 3.11's {@code asyncore} documentation, translated line by
 * line: {@link io.asyncore.examples.EchoServer} with its
 * {@link io.asyncore.examples.EchoHandler}, and {@link io.asyncore.examples.HTTPClient}.
 */
package io.asyncore.examples;
