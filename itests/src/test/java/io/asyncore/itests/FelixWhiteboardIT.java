package io.asyncore.itests;

import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** {@link WhiteboardScenarios} in Apache Felix 7.0.5, bundles provisioned from the reactor. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FelixWhiteboardIT extends WhiteboardScenarios {

    /**
     * The framework: api and impl from this build, the select timeout set as a framework
     * property.
     *
     * @return the options
     */
    @Configuration
    public Option[] config() {
        return options(
                frameworkProperty("asyncore.select.timeout.ms").value(String.valueOf(SELECT_TIMEOUT_MS)),
                systemProperty("org.ops4j.pax.url.mvn.localRepository")
                        .value(Reactor.property("org.ops4j.pax.url.mvn.localRepository")),
                CoreOptions.bundle(Reactor.bundle("io.asyncore.api")),
                CoreOptions.bundle(Reactor.bundle("io.asyncore.impl")),
                junitBundles(),
                cleanCaches());
    }
}
