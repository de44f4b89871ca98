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

/**
 * In Apache Felix with the Felix Log Service installed, the engine's log lines go through
 * the Log Service and are credited to the {@code io.asyncore.impl} bundle
 * ({@link LogCreditScenarios}).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FelixLogServiceIT extends LogCreditScenarios {

    /**
     * The framework: api and impl from this build, and the Felix Log Service, whose
     * default level (framework property {@code org.osgi.service.log.admin.loglevel}) is
     * INFO instead of the OSGi Log Service's WARN.
     *
     * @return the options
     */
    @Configuration
    public Option[] config() {
        return options(
                systemProperty("org.ops4j.pax.url.mvn.localRepository")
                        .value(Reactor.property("org.ops4j.pax.url.mvn.localRepository")),
                systemProperty("org.osgi.service.log.admin.loglevel").value("INFO"),
                mavenBundle("org.apache.felix", "org.apache.felix.log", "1.3.0"),
                CoreOptions.bundle(Reactor.bundle("io.asyncore.api")),
                CoreOptions.bundle(Reactor.bundle("io.asyncore.impl")),
                junitBundles(),
                cleanCaches());
    }
}
