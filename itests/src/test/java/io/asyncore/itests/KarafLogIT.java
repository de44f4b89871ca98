package io.asyncore.itests;

import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;

import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * {@link LogCreditScenarios} in Apache Karaf, whose OSGi Log Service is pax-logging's: the
 * engine's INFO lines are entries of bundle {@code io.asyncore.impl}, logged under the
 * log4j2 category {@code io.asyncore.impl} (pax-logging names a Log Service caller's
 * category after its bundle), which is what {@code log:display} and {@code log:set INFO
 * io.asyncore.impl} work with.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KarafLogIT extends LogCreditScenarios {

    private static final String LOGGING_CFG = "etc/org.ops4j.pax.logging.cfg";

    /**
     * Karaf with feature asyncore, its root logger at WARN (as every Karaf itest) and the
     * category {@code io.asyncore.impl} at INFO, as {@code log:set INFO io.asyncore.impl} sets it.
     *
     * @return the options
     */
    @Configuration
    public Option[] config() {
        return KarafWhiteboardIT.karaf(options(
                editConfigurationFilePut(LOGGING_CFG, "log4j2.logger.asyncore.name", "io.asyncore.impl"),
                editConfigurationFilePut(LOGGING_CFG, "log4j2.logger.asyncore.level", "INFO"),
                features(KarafWhiteboardIT.featureRepository(), "asyncore")));
    }
}
