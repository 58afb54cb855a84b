package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wbxt.router.webex.WebexComponent;
import dev.wbxt.router.webex.WebexConfiguration;
import org.apache.camel.CatalogCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The webex: component as camel-main configures it: camel.component.webex.* through the generated configurer, the
 * older webex.client.* keys as aliases, the component's own defaults for the rest, the token marked secret.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebexComponentOptionsTest {
    private RouterHarness router;

    @BeforeAll
    void start() throws Exception {
        router = new RouterHarness(Map.of("webex.client.max-attempts", "7",
                "camel.component.webex.cache-size", "123")).start();
    }

    @AfterAll
    void stop() throws Exception {
        router.close();
    }

    @Test
    void optionsBindFromBothKeysAndDefaultsComeFromTheComponent() {
        WebexConfiguration cfg = router.context().getComponent("webex", WebexComponent.class).getConfiguration();
        assertEquals(7, cfg.getMaxAttempts(), "webex.client.max-attempts, the alias");
        assertEquals(123, cfg.getCacheSize(), "camel.component.webex.cache-size");
        assertEquals(new WebexConfiguration().getConnectTimeoutMillis(), cfg.getConnectTimeoutMillis(),
                "an option set by neither key keeps the component's default");
        assertEquals(RouterHarness.TOKEN, cfg.getBotToken());
        assertEquals(router.webex.apiUrl(), cfg.getApiUrl());
    }

    @Test
    void theGeneratedMetadataDescribesTheOptionsAndMarksTheTokenSecret() throws Exception {
        String json = ((CatalogCamelContext) router.context()).getComponentParameterJsonSchema("webex");
        JsonNode schema = RouterHarness.JSON.readTree(json);
        assertTrue(schema.at("/componentProperties/botToken/secret").asBoolean());
        assertEquals("5000", schema.at("/componentProperties/connectTimeoutMillis/defaultValue").asText());
        assertTrue(schema.at("/headers/WebexId/description").asText().contains("id"));
        assertTrue(schema.at("/properties/operation/enum").isArray());
    }
}
