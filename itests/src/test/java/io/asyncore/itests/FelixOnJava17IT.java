package io.asyncore.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import io.asyncore.EventLoop;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * A framework that offers Java SE up to 17 only (its {@code osgi.ee} capabilities are set
 * as a Java 17 framework computes them): api and impl resolve and serve, while
 * {@code io.asyncore.file}, which needs the Foreign Function and Memory API of Java 22,
 * stays unresolved and says why.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FelixOnJava17IT {

    private static final String JAVA_SE_UP_TO_17 = "osgi.ee;osgi.ee=\"OSGi/Minimum\";version:List<Version>=\"1.0,1.1,1.2\","
            + "osgi.ee;osgi.ee=\"JavaSE\";version:List<Version>=\"1.0,1.1,1.2,1.3,1.4,1.5,1.6,1.7,1.8,9,10,11,12,13,14,15,16,17\","
            + "osgi.ee;osgi.ee=\"JavaSE/compact1\";version:List<Version>=\"1.8,9,10,11,12,13,14,15,16,17\","
            + "osgi.ee;osgi.ee=\"JavaSE/compact2\";version:List<Version>=\"1.8,9,10,11,12,13,14,15,16,17\","
            + "osgi.ee;osgi.ee=\"JavaSE/compact3\";version:List<Version>=\"1.8,9,10,11,12,13,14,15,16,17\"";

    @Inject
    private BundleContext context;

    /**
     * Felix with the execution environments of a Java 17 VM, and the three bundles.
     *
     * @return the options
     */
    @Configuration
    public Option[] config() {
        return options(
                frameworkProperty("org.osgi.framework.system.capabilities").value(JAVA_SE_UP_TO_17),
                systemProperty("org.ops4j.pax.url.mvn.localRepository")
                        .value(Reactor.property("org.ops4j.pax.url.mvn.localRepository")),
                CoreOptions.bundle(Reactor.bundle("io.asyncore.api")),
                CoreOptions.bundle(Reactor.bundle("io.asyncore.impl")),
                CoreOptions.bundle(Reactor.bundle("io.asyncore.file")).noStart(),
                junitBundles(),
                cleanCaches());
    }

    @Test
    public void apiAndImplRunWhileTheFileBundleStaysUnresolvedNamingJava22() throws Exception {
        assertEquals(Bundle.ACTIVE, bundle("io.asyncore.api").getState());
        assertEquals(Bundle.ACTIVE, bundle("io.asyncore.impl").getState());
        assertNotNull("the impl's loop is a service", context.getServiceReference(EventLoop.class));

        Bundle file = bundle("io.asyncore.file");
        try {
            file.start();
            fail("io.asyncore.file must not resolve without Java SE 22");
        } catch (BundleException expected) {
            String reason = String.valueOf(expected.getMessage());
            assertTrue("the reason names the missing execution environment: " + reason,
                    reason.contains("osgi.ee") && reason.contains("22"));
        }
        assertEquals(Bundle.INSTALLED, file.getState());
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError(symbolicName + " is not installed");
    }
}
