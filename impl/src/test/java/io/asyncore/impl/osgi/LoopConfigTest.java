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
}
