package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import dev.wbxt.router.broker.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /observe/health} and {@code /observe/metrics} as an operator and Prometheus see them. */
class ObserveEndpointsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private RouterHarness router;

    @BeforeEach
    void start() throws Exception {
        router = new RouterHarness().start();
        router.registerWebhooks();
    }

    @AfterEach
    void stop() throws Exception {
        router.close();
    }

    @Test
    void healthIsUpWithTheBrokerCheck() throws Exception {
        HttpResponse<String> rsp = router.get("/observe/health");

        assertEquals(200, rsp.statusCode(), rsp.body());
        assertTrue(rsp.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        Map<?, ?> health = RouterHarness.JSON.readValue(rsp.body(), Map.class);
        assertEquals("UP", health.get("status"));
        Map<?, ?> broker = (Map<?, ?>) ((Map<?, ?>) health.get("checks")).get("broker");
        assertNotNull(broker, rsp.body());
        assertEquals("UP", broker.get("status"));
        assertNoSecret(rsp.body());
    }

    @Test
    void metricsArePrometheusTextWithTheServiceAndRouteCounters() throws Exception {
        String room = router.webex.groupRoom("Metrics room");
        router.webex.say("ada@example.com", room, "count me");
        router.webex.awaitBotMessages(room, 1, WAIT);
        HttpResponse<String> unsigned = router.send(HttpRequest.newBuilder(URI.create(router.webhookUrl()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resource\":\"messages\",\"event\":\"created\",\"data\":{\"id\":\"x\"}}")));
        assertEquals(401, unsigned.statusCode());

        String metrics = router.awaitMetrics("wbxt_events_processed_total{outcome=\"replied\",resource=\"messages\"}");
        HttpResponse<String> rsp = router.get("/observe/metrics");
        assertEquals(200, rsp.statusCode());
        assertTrue(rsp.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                rsp.headers().firstValue("Content-Type").orElse("none"));

        assertTrue(metrics.contains("# TYPE wbxt_events_received_total counter"), metrics);
        assertTrue(metrics.contains("# HELP wbxt_events_received_total Webhook POSTs received"), metrics);
        assertTrue(metrics.contains("wbxt_events_rejected_total{reason=\"signature\"} 1.0"), metrics);
        assertTrue(metrics.contains("# HELP wbxt_events_rejected_total "), metrics);
        assertTrue(metrics.contains("# HELP wbxt_events_processed_total "), metrics);
        assertNoSecret(metrics);
    }

    @Test
    void metricsHaveCamelsPerRouteMetrics() throws Exception {
        String room = router.webex.groupRoom("Route metrics room");
        router.webex.say("ada@example.com", room, "time me");
        router.webex.awaitBotMessages(room, 1, WAIT);
        String metrics = router.awaitMetrics("routeId=\"messages\"");
        assertTrue(metrics.contains("routeId=\"webhook-receiver\""), metrics);
    }

    @Test
    void withoutTheBrokerHealthIsDownAndTheReceiverAcknowledgesNothing() throws Exception {
        EmbeddedBroker broker = router.context().hasService(EmbeddedBroker.class);
        assertNotNull(broker, "the embedded broker is a service of the CamelContext");
        broker.stop();
        assertFalse(broker.isActive());

        HttpResponse<String> health = router.get("/observe/health");
        assertEquals(503, health.statusCode(), health.body());
        Map<?, ?> body = RouterHarness.JSON.readValue(health.body(), Map.class);
        assertEquals("DOWN", body.get("status"));
        assertEquals("DOWN", ((Map<?, ?>) ((Map<?, ?>) body.get("checks")).get("broker")).get("status"), health.body());
        assertNoSecret(health.body());

        String room = router.webex.groupRoom("No broker room");
        Map<String, Object> message = router.newMessage("ada@example.com", room, "nobody stores me");
        HttpResponse<String> rsp = router.deliver(router.messageCreated(message));
        assertEquals(503, rsp.statusCode(), rsp.body());
        assertTrue(rsp.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals("unavailable", RouterHarness.JSON.readValue(rsp.body(), Map.class).get("error"), rsp.body());
        assertNoSecret(rsp.body());
        assertNoSecret(router.get("/observe/metrics").body());
        assertEquals(0, router.botRepliesIn(room).size());
    }

    private static void assertNoSecret(String text) {
        assertFalse(text.contains(RouterHarness.SECRET), "webhook secret leaked: " + text);
        assertFalse(text.contains(RouterHarness.TOKEN), "bot token leaked: " + text);
    }
}
