/**
 * The test kit shared by the modules' tests: log capture, the leak check, bounded
 * waiting and loopback echo peers. Not published; tests depend on it with test scope.
 * It is an OSGi bundle as well, so the Pax Exam tests install it beside the bundles
 * under test; there {@link io.asyncore.testkit.NoLeaks}, a JUnit Jupiter extension, is
 * the one class that needs a JUnit the framework may not offer.
 */
@Export
@Version("1.0.0")
package io.asyncore.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
