package io.asyncore.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import io.asyncore.testkit.Await;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * {@link ConfiguredLoopScenarios} in Apache Felix 7.0.5 with Felix Config Admin and Felix
 * SCR; plus the Metatype description of the configuration, read through Felix Metatype as
 * the Felix web console and Karaf's {@code config:} commands read it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FelixConfiguredLoopsIT extends ConfiguredLoopScenarios {

    /**
     * The framework: Config Admin and SCR, then api, impl and the DS example from this build.
     *
     * @return the options
     */
    @Configuration
    public Option[] config() {
        return options(
                systemProperty("org.ops4j.pax.url.mvn.localRepository")
                        .value(Reactor.property("org.ops4j.pax.url.mvn.localRepository")),
                mavenBundle("org.apache.felix", "org.apache.felix.configadmin", Reactor.property("configadmin.version")),
                mavenBundle("org.osgi", "org.osgi.service.log", "1.3.0"),
                mavenBundle("org.apache.felix", "org.apache.felix.metatype", "1.2.4"),
                CoreOptions.bundle(Reactor.bundle("io.asyncore.api")),
                CoreOptions.bundle(Reactor.bundle("io.asyncore.impl")),
                Reactor.testKit(),
                mavenBundle("org.osgi", "org.osgi.util.function", "1.2.0"),
                mavenBundle("org.osgi", "org.osgi.util.promise", "1.3.0"),
                mavenBundle("org.osgi", "org.osgi.service.component", "1.5.1"),
                mavenBundle("org.apache.felix", "org.apache.felix.scr", Reactor.property("scr.version")),
                CoreOptions.bundle(Reactor.bundle("io.asyncore.examples.ds")),
                junitBundles(),
                cleanCaches());
    }

    /** Metatype describes factory PID io.asyncore.loop: its five keys, their ranges. */
    @Test
    public void metatypeDescribesTheLoopConfiguration() {
        ServiceReference<MetaTypeService> ref = Await.value("MetaTypeService",
                () -> context.getServiceReference(MetaTypeService.class));
        MetaTypeService metatype = context.getService(ref);
        try {
            Bundle impl = Arrays.stream(context.getBundles())
                    .filter(b -> "io.asyncore.impl".equals(b.getSymbolicName())).findFirst().orElseThrow();
            MetaTypeInformation info = metatype.getMetaTypeInformation(impl);
            assertTrue(Arrays.asList(info.getFactoryPids()).contains(FACTORY_PID));
            ObjectClassDefinition ocd = info.getObjectClassDefinition(FACTORY_PID, null);
            Map<String, AttributeDefinition> keys = new HashMap<>();
            for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
                keys.put(ad.getID(), ad);
                assertFalse(ad.getID() + " is described", ad.getDescription().isBlank());
            }
            assertEquals(Set.of("name", "select.timeout.ms", "blocked.threshold.ms", "thread.priority", "loops"),
                    keys.keySet());
            assertFalse("priority 11 is refused", keys.get("thread.priority").validate("11").isEmpty());
            assertEquals("priority 7 is fine", "", keys.get("thread.priority").validate("7"));
        } finally {
            context.ungetService(ref);
        }
    }
}
