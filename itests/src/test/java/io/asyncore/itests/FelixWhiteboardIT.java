package io.asyncore.itests;

import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

/**
 * {@link WhiteboardScenarios} in Apache Felix 7.0.5, bundles provisioned from the reactor,
 * with the Gogo runtime for the shell commands.
 */
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
                CoreOptions.bundle(Reactor.bundle("io.asyncore.file")),
                Reactor.testKit(),
                mavenBundle("org.apache.felix", "org.apache.felix.gogo.runtime",
                        Reactor.property("gogo.runtime.version")),
                junitBundles(),
                cleanCaches());
    }

    /** Gogo: a session of the CommandProcessor service. */
    @Override
    protected String shell(String commandLine) throws Exception {
        ServiceReference<CommandProcessor> ref = context.getServiceReference(CommandProcessor.class);
        CommandProcessor processor = context.getService(ref);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
            Object result = session.execute(commandLine);
            session.getConsole().flush();
            return out.toString(StandardCharsets.UTF_8) + (result == null ? "" : session.format(result, Converter.INSPECT));
        } finally {
            context.ungetService(ref);
        }
    }
}
