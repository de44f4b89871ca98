package io.asyncore.itests;

import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.vmOptions;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * {@link WhiteboardScenarios} in Apache Karaf 4.4.10, with api and impl installed the way a
 * Karaf user does: feature repository {@code mvn:io.asyncore/io.asyncore.features/VERSION/xml/features},
 * feature {@code asyncore}. The reactor's artifacts reach Karaf's Maven resolver through
 * {@code org.ops4j.pax.url.mvn.defaultRepositories}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KarafWhiteboardIT extends WhiteboardScenarios {

    private static final String MVN_CFG = "etc/org.ops4j.pax.url.mvn.cfg";

    /**
     * Karaf from its distribution, made to boot on JDK 24+ (bin/karaf's module flags, no
     * security manager, EventAdmin without Subject), with the asyncore feature at boot.
     *
     * @return the options
     */
    @Configuration
    public Option[] config() {
        return karaf(options(features(featureRepository(), "asyncore", "asyncore-file")));
    }

    /** The feature repository of this build. */
    static MavenArtifactUrlReference featureRepository() {
        return maven().groupId("io.asyncore").artifactId("io.asyncore.features")
                .type("xml").classifier("features").version(Reactor.version());
    }

    /**
     * Karaf from its distribution, made to boot on JDK 24+, plus {@code extra} options.
     *
     * @param extra more options, such as the features to install
     * @return the options
     */
    static Option[] karaf(Option... extra) {
        String version = Reactor.version();
        MavenArtifactUrlReference karaf = maven().groupId("org.apache.karaf").artifactId("apache-karaf")
                .type("tar.gz").version(Reactor.property("karaf.version"));
        Reactor.url("io.asyncore.features", "features", "xml"); // fail early if the build did not copy it
        String reactorRepo = Reactor.repository().toURI() + "@id=asyncore-reactor@snapshots";
        File unpack = new File(Reactor.property("project.build.directory"), "karaf");
        return options(
                karafDistributionConfiguration().frameworkUrl(karaf).unpackDirectory(unpack).useDeployFolder(false),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.WARN),
                editConfigurationFilePut("etc/org.apache.felix.eventadmin.impl.EventAdmin.cfg",
                        "org.apache.felix.eventadmin.AddSubject", "false"),
                editConfigurationFilePut(MVN_CFG, "org.ops4j.pax.url.mvn.localRepository",
                        Reactor.property("org.ops4j.pax.url.mvn.localRepository")),
                editConfigurationFilePut(MVN_CFG, "org.ops4j.pax.url.mvn.defaultRepositories",
                        reactorRepo + ",${karaf.home.uri}${karaf.default.repository}@id=system.repository@snapshots"),
                editConfigurationFilePut(MVN_CFG, "org.ops4j.pax.url.mvn.repositories",
                        "https://repo1.maven.org/maven2@id=central"),
                editConfigurationFilePut("etc/system.properties", "asyncore.select.timeout.ms",
                        String.valueOf(SELECT_TIMEOUT_MS)),
                // the probe runs in Karaf's JVM: hand it the version the driver knows
                editConfigurationFilePut("etc/system.properties", "asyncore.version", version),
                Reactor.testKit(),
                composite(extra),
                vmOptions(jdkFlags()));
    }

    /** The module flags bin/karaf passes on Java 9+, which Pax Exam's runner leaves out. */
    private static String[] jdkFlags() {
        return new String[] {
            "-ea", // the loop-thread asserts hold inside Karaf too
            "--add-reads=java.xml=java.logging",
            "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
            "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + Reactor.property("karaf.version") + ".jar",
            "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + Reactor.property("karaf.version") + ".jar",
            "--add-opens", "java.base/java.security=ALL-UNNAMED",
            "--add-opens", "java.base/java.net=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED",
            "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
            "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.ftp=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED",
            "--add-exports=jdk.xml.dom/org.w3c.dom.html=ALL-UNNAMED",
            "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.sasl/com.sun.security.sasl=ALL-UNNAMED",
            "--add-exports=java.naming/com.sun.jndi.ldap=ALL-UNNAMED",
            // io.asyncore.file calls read(2) and friends through java.lang.foreign
            "--enable-native-access=ALL-UNNAMED",
        };
    }

    /**
     * The command service called as the console's command wrapper calls it. Karaf 4.4.10's
     * console cannot run any command on JDK 24+: making a session
     * ({@code ShellUtil.getCurrentUserName}) and listing the registry
     * ({@code SecuredSessionFactoryImpl.currentUserHasRole}) both call
     * {@code Subject.getSubject}, which those JDKs refuse without a security manager, and
     * JDK 24+ refuses to start with one. On JDK 17 and 21 the console runs
     * {@code asyncore:channels} like any Gogo command.
     */
    @Override
    protected String shell(String commandLine) {
        return command(commandLine.substring(commandLine.indexOf(':') + 1));
    }

    /** Features asyncore and asyncore-file installed their bundles by Maven coordinates. */
    @Test
    public void featuresInstalledTheBundlesByMavenCoordinates() {
        String v = Reactor.version();
        for (String artifact : new String[] {API, IMPL, "io.asyncore.file"}) {
            String location = bundle(artifact).getLocation();
            assertTrue(location, location.equals("mvn:io.asyncore/" + artifact + "/" + v));
            assertActive(bundle(artifact));
        }
    }
}
