package io.asyncore.itests;

import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** {@link ConfiguredLoopScenarios} in Apache Felix 7.0.5 with Felix Config Admin and Felix SCR. */
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
                CoreOptions.bundle(Reactor.bundle("io.asyncore.api")),
                CoreOptions.bundle(Reactor.bundle("io.asyncore.impl")),
                mavenBundle("org.osgi", "org.osgi.util.function", "1.2.0"),
                mavenBundle("org.osgi", "org.osgi.util.promise", "1.3.0"),
                mavenBundle("org.osgi", "org.osgi.service.component", "1.5.1"),
                mavenBundle("org.apache.felix", "org.apache.felix.scr", Reactor.property("scr.version")),
                CoreOptions.bundle(Reactor.bundle("io.asyncore.examples.ds")),
                junitBundles(),
                cleanCaches());
    }
}
