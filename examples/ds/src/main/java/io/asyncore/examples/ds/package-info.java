/** The echo server as a Declarative Services component, adopted by the asyncore whiteboard. */
package io.asyncore.examples.ds;
