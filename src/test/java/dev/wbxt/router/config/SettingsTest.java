package dev.wbxt.router.config;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

class SettingsTest {

    /** The keys in a real properties file, as application.properties gives them. */
    private static Settings settings(String... keyValues) throws IOException {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        Path file = Files.createDirectories(Path.of("target", "test-data")).resolve(UUID.randomUUID() + ".properties");
        try (Writer out = Files.newBufferedWriter(file)) {
            p.store(out, null);
        }
        DefaultCamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation("file:" + file.toAbsolutePath());
        context.build(); // the properties component reads its files when the context is built, as camel-main does
        return Settings.of(context);
    }

    @Test
    void readsEachTypeTrimmed() throws IOException {
        Settings s = settings("a.text", "  x  ", "a.number", " 42", "a.long", "3600000000", "a.decimal", "0.2",
                "a.flag", "true", "a.port", "0", "a.list", "one, ,two,", "a.choice", "silent",
                "bot.pattern.ping", " ^ping ", "bot.pattern.empty", " ");
        assertEquals("x", s.text("a.text"));
        assertEquals("", s.text("a.absent"));
        assertEquals(42, s.number("a.number"));
        assertEquals(3_600_000_000L, s.longNumber("a.long"));
        assertEquals(0.2, s.decimal("a.decimal"));
        assertTrue(s.flag("a.flag"));
        assertEquals(0, s.port("a.port"));
        assertEquals(List.of("one", "two"), s.list("a.list"));
        assertEquals("silent", s.oneOf("a.choice", "polite", "silent"));
        assertEquals(Map.of("ping", "^ping"), s.under("bot.pattern."));
    }

    @Test
    void aWrongValueNamesTheKeyItsVariableAndTheValue() throws IOException {
        Settings s = settings("server.port", "70000", "ingest.max-in-flight", "many", "routes.reload", "ture",
                "processing.retry-jitter", "a fifth");
        assertEquals("server.port (SERVER_PORT) must be a port number (0-65535), not 70000",
                assertThrows(IllegalArgumentException.class, () -> s.port("server.port")).getMessage());
        assertEquals("ingest.max-in-flight (INGEST_MAX_IN_FLIGHT) must be a whole number, not 'many'",
                assertThrows(IllegalArgumentException.class, () -> s.number("ingest.max-in-flight")).getMessage());
        assertEquals("routes.reload (ROUTES_RELOAD) must be auto, true or false, not 'ture'",
                assertThrows(IllegalArgumentException.class,
                        () -> s.oneOf("routes.reload", "auto", "true", "false")).getMessage());
        assertEquals("processing.retry-jitter (PROCESSING_RETRY_JITTER) must be a number, not 'a fifth'",
                assertThrows(IllegalArgumentException.class, () -> s.decimal("processing.retry-jitter")).getMessage());
    }
}
