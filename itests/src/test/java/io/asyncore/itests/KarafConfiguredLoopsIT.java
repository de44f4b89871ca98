package io.asyncore.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;

import io.asyncore.EventLoop;
import io.asyncore.testkit.Await;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

/**
 * {@link ConfiguredLoopScenarios} in Apache Karaf, whose Config Admin is part of every
 * boot; plus the files Karaf users write: {@code etc/io.asyncore.loop-web.cfg}, and the
 * one feature {@code asyncore-loop-example} writes; the DS example through feature
 * {@code asyncore-example-ds}, which brings Karaf's own {@code scr} feature.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KarafConfiguredLoopsIT extends ConfiguredLoopScenarios {

    /**
     * Karaf with features asyncore and asyncore-loop-example, and an etc file of its own.
     *
     * @return the options
     */
    @Configuration
    public Option[] config() {
        return KarafWhiteboardIT.karaf(options(
                editConfigurationFilePut("etc/io.asyncore.loop-web.cfg", "select.timeout.ms", "150"),
                editConfigurationFilePut("etc/io.asyncore.loop-web.cfg", "thread.priority", "6"),
                features(KarafWhiteboardIT.featureRepository(), "asyncore", "asyncore-loop-example",
                        "asyncore-example-ds")));
    }

    /** An etc/io.asyncore.loop-NAME.cfg file runs a loop named NAME with its values. */
    @Test
    public void anEtcCfgFileRunsALoopNamedAfterIt() throws Exception {
        ServiceReference<EventLoop> web = Await.value("loop web from etc/io.asyncore.loop-web.cfg",
                () -> loopReferenceNamed("web"));
        assertEquals(150L, web.getProperty("asyncore.select.timeout.ms"));
        assertEquals(6, Await.value("thread web", () -> Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("web")).findFirst().orElse(null)).getPriority());
        assertNotNull("loop example from feature asyncore-loop-example",
                Await.value("loop example", () -> loopReferenceNamed("example")));
    }

    private ServiceReference<EventLoop> loopReferenceNamed(String name) {
        try {
            var refs = context.getServiceReferences(EventLoop.class, "(asyncore.loop.name=" + name + ")");
            return refs.isEmpty() ? null : refs.iterator().next();
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
