/**
 * The test kit shared by the modules' tests: log capture, the leak check, bounded
 * waiting and loopback echo peers. Not published; tests depend on it with test scope.
 */
package io.asyncore.testkit;
