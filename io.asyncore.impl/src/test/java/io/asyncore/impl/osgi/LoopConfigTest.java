package io.asyncore.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.asyncore.EventLoop;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoopConfigTest {

    @Test
    void defaultsWithoutFrameworkProperties() {
        LoopConfig config = LoopConfig.from(key -> null);
        assertEquals("asyncore-default", config.name());
        assertEquals(EventLoop.DEFAULT_SELECT_TIMEOUT, config.selectTimeout());
    }

    @Test
    void frameworkPropertiesNameTheLoopAndSetTheTimeout() {
        Map<String, String> properties = Map.of("asyncore.loop.name", " io-loop ", "asyncore.select.timeout.ms", "250");
        LoopConfig config = LoopConfig.from(properties::get);
        assertEquals("io-loop", config.name());
        assertEquals(Duration.ofMillis(250), config.selectTimeout());
    }

    @Test
    void blankNameMeansTheDefault() {
        assertEquals("asyncore-default", LoopConfig.from(Map.of("asyncore.loop.name", "  ")::get).name());
    }

    @Test
    void malformedTimeoutsNameTheProperty() {
        IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class,
                () -> LoopConfig.from(Map.of("asyncore.select.timeout.ms", "1s")::get));
        assertTrue(notANumber.getMessage().contains("asyncore.select.timeout.ms"), notANumber.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> LoopConfig.from(Map.of("asyncore.select.timeout.ms", "0")::get));
        assertTrue(zero.getMessage().contains("must be positive"), zero.getMessage());
    }

    @Test
    void aFactoryConfigurationGivesEverySetting() {
        Map<String, Object> values = Map.of("name", "web", "select.timeout.ms", "250", "blocked.threshold.ms", 0L,
                "thread.priority", 7, "loops", "3");
        LoopConfig config = LoopConfig.fromConfiguration("io.asyncore.loop~x", values::get);
        assertEquals(new LoopConfig("web", Duration.ofMillis(250), Duration.ZERO, 7, 3), config);
    }

    @Test
    void aFactoryConfigurationWithoutValuesGetsTheDefaultsAndItsOwnName() {
        LoopConfig config = LoopConfig.fromConfiguration("io.asyncore.loop~web", key -> null);
        assertEquals(new LoopConfig("web", EventLoop.DEFAULT_SELECT_TIMEOUT, Duration.ofSeconds(2),
                Thread.NORM_PRIORITY, 1), config);
        assertEquals("io", LoopConfig.fromConfiguration("io.asyncore.loop-io", key -> null).name());
        assertEquals("other.pid", LoopConfig.fromConfiguration("other.pid", key -> null).name());
    }

    @Test
    void aBadValueIsOneLineNamingThePidTheKeyAndTheValue() {
        String pid = "io.asyncore.loop~web";
        Map<String, Map<String, Object>> bad = Map.of(
                "select.timeout.ms", Map.of("select.timeout.ms", "fast"),
                "thread.priority", Map.of("thread.priority", 11),
                "loops", Map.of("loops", "0"),
                "blocked.threshold.ms", Map.of("blocked.threshold.ms", "-5"));
        bad.forEach((key, values) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LoopConfig.fromConfiguration(pid, values::get));
            String line = e.getMessage();
            assertTrue(line.contains(pid) && line.contains(key + " = '" + values.get(key) + "'"), line);
            assertTrue(!line.contains("\n"), line);
        });
    }
}
