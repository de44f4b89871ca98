/**
 * A line-based chat room on {@link io.asyncore.chat.AsyncChat}: every line one client
 * sends goes to all the others. Run it with
 * {@code java -p api.jar:impl.jar:examples.jar -m io.asyncore.examples/io.asyncore.examples.chat.ChatRoomServer [host [port]]}
 * and talk to it with {@code nc localhost 8023} from several terminals.
 */
package io.asyncore.examples.chat;
