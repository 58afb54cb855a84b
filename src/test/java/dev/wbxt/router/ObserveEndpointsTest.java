package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.wbxt.router.broker.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /observe/health} (and its probes), {@code /observe/metrics} and {@code /observe/info} on the management port,
 * as an operator, Kubernetes and Prometheus see them.
 */
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
        HttpResponse<String> rsp = router.manage("/observe/health");

        assertEquals(200, rsp.statusCode(), rsp.body());
        assertTrue(rsp.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        Map<?, ?> health = RouterHarness.JSON.readValue(rsp.body(), Map.class);
        assertEquals("UP", health.get("status"));
        assertEquals("UP", check(health, "broker").get("status"), rsp.body());
        assertEquals("UP", check(health, "webex").get("status"), rsp.body());
        assertEquals("UP", check(health, "consumer:rooms").get("status"), rsp.body());
        assertNoSecret(rsp.body());
    }

    @Test
    void probesAndInfoAreServedByCamelsManagementServer() throws Exception {
        HttpResponse<String> ready = router.manage("/observe/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        Map<?, ?> readiness = RouterHarness.JSON.readValue(ready.body(), Map.class);
        assertEquals("UP", check(readiness, "broker").get("status"), ready.body());
        assertEquals("UP", check(readiness, "route:webhook-receiver").get("status"), ready.body());
        assertEquals(200, router.manage("/observe/health/live").statusCode());

        HttpResponse<String> info = router.manage("/observe/info");
        assertEquals(200, info.statusCode(), info.body());
        assertEquals("webex-event-router", ((Map<?, ?>) RouterHarness.JSON.readValue(info.body(), Map.class).get("camel")).get("name"));
        assertNoSecret(info.body());
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
        HttpResponse<String> rsp = router.manage("/observe/metrics");
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
        // ... recorded by RouteTimers, so Camel raises no exchange event for its notifiers (RouteEventNotifiers)
        assertFalse(router.context().getCamelContextExtension().isEventNotificationApplicable(),
                router.context().getManagementStrategy().getEventNotifiers().toString());
    }

    @Test
    void camelsExchangeEventNotifierTurnedOnStillGetsTheExchangeEvents() throws Exception {
        try (RouterHarness exchanges = new RouterHarness(Map.of("camel.metrics.enable-exchange-event-notifier", "true"))) {
            exchanges.start();
            exchanges.registerWebhooks();
            assertTrue(exchanges.context().getCamelContextExtension().isEventNotificationApplicable());
            String room = exchanges.webex.groupRoom("Exchange events room");
            exchanges.webex.say("ada@example.com", room, "count me");
            exchanges.webex.awaitBotMessages(room, 1, WAIT);
            exchanges.awaitMetrics("camel_exchange_event_notifier_seconds_count");
        }
    }

    @Test
    void withoutTheBrokerHealthIsDownAndTheReceiverAcknowledgesNothing() throws Exception {
        EmbeddedBroker broker = router.context().hasService(EmbeddedBroker.class);
        assertNotNull(broker, "the embedded broker is a service of the CamelContext");
        broker.stop();
        assertFalse(broker.isActive());

        HttpResponse<String> health = router.manage("/observe/health");
        assertEquals(503, health.statusCode(), health.body());
        Map<?, ?> body = RouterHarness.JSON.readValue(health.body(), Map.class);
        assertEquals("DOWN", body.get("status"));
        assertEquals("DOWN", check(body, "broker").get("status"), health.body());
        assertNoSecret(health.body());
        // out of rotation, not restarted: readiness is DOWN, liveness (the CamelContext) stays UP
        assertEquals(503, router.manage("/observe/health/ready").statusCode());
        assertEquals(200, router.manage("/observe/health/live").statusCode());

        String room = router.webex.groupRoom("No broker room");
        Map<String, Object> message = router.newMessage("ada@example.com", room, "nobody stores me");
        HttpResponse<String> rsp = router.deliver(router.messageCreated(message));
        assertEquals(503, rsp.statusCode(), rsp.body());
        assertTrue(rsp.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals("unavailable", RouterHarness.JSON.readValue(rsp.body(), Map.class).get("error"), rsp.body());
        assertNoSecret(rsp.body());
        assertNoSecret(router.manage("/observe/metrics").body());
        assertEquals(0, router.botRepliesIn(room).size());
    }

    /** One check of Camel's health answer: {@code "checks": [{"name": ..., "status": ...}, ...]}. */
    private static Map<?, ?> check(Map<?, ?> health, String name) {
        return ((List<?>) health.get("checks")).stream().map(c -> (Map<?, ?>) c).filter(c -> name.equals(c.get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no check " + name + " in " + health));
    }

    private static void assertNoSecret(String text) {
        assertFalse(text.contains(RouterHarness.SECRET), "webhook secret leaked: " + text);
        assertFalse(text.contains(RouterHarness.TOKEN), "bot token leaked: " + text);
    }
}
