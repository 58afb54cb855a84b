package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import dev.wbxt.router.broker.EmbeddedBroker;
import dev.wbxt.router.simulator.MercuryDouble;
import dev.wbxt.router.simulator.WebexSimulator;
import dev.wbxt.router.webex.LogCapture;
import org.apache.camel.main.Main;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

/** Websocket mode with webhooks too, through a proxy, and with a store that refuses: one service each. */
class WebsocketModesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void simulatorModeWithoutATokenTalksOverTheMercuryDouble() throws Exception {
        int simulatorPort = RouterProcess.freePort();
        Main main = WebexEventRouter.newMain();
        Map.of("webex.ingest", "websocket", "simulator.port", String.valueOf(simulatorPort), "camel.server.port", "0",
                        "data.dir", "target/test-data/" + UUID.randomUUID(), "routes.reload", "false",
                        "camel.main.shutdown-timeout", "5")
                .forEach(main::addOverrideProperty);
        main.start();
        try {
            HttpResponse<String> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + simulatorPort + "/simulator/messages"))
                            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hello socket\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());

            JsonNode body = RouterHarness.JSON.readTree(answer.body());
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(0, body.path("deliveries").size(), "no webhook: the event came over the socket");
            assertEquals(1, body.path("replies").size(), answer.body());
            assertTrue(body.path("replies").path(0).path("markdown").asText().contains("hello socket"), answer.body());
        } finally {
            main.stop();
        }
    }

    @Test
    void bothModeAnswersAMessageSeenByTheWebhookAndTheSocketOnce() throws Exception {
        try (RouterHarness router = RouterHarness.websocket(Map.of("webex.ingest", "both")).start()) {
            router.registerWebhooks();
            MercuryDouble mercury = router.webex.mercury();
            await().atMost(WAIT).until(() -> mercury.authorizedSockets() == 1);
            String room = router.webex.directRoom("both@example.com");

            List<WebexSimulator.Delivery> deliveries = router.webex.say("both@example.com", room, "one answer please");

            assertTrue(deliveries.stream().anyMatch(d -> d.status() == 200), deliveries.toString());
            String frame = mercury.pushed().get(0).frameId();
            await().atMost(WAIT).until(() -> mercury.acks().contains(frame)); // stored (or found a duplicate)
            router.webex.awaitBotMessages(room, 1, WAIT);
            router.awaitIdle();
            assertEquals(1, router.botRepliesIn(room).size());
        }
    }

    @Test
    void everyCallToWebexGoesThroughTheProxyWithItsCredentialsNeverLogged() throws Exception {
        try (LoopbackProxy proxy = new LoopbackProxy();
             LogCapture logs = LogCapture.start(Level.DEBUG, "dev.wbxt", "org.apache.camel")) {
            RouterHarness router = RouterHarness.websocket(Map.of("http.proxy", proxy.url("bot:s3cret-proxy-pass")));
            MercuryDouble mercury = router.webex.mercury();
            mercury.textFrames(true);
            router.start();
            try {
                await().atMost(WAIT).until(() -> mercury.authorizedSockets() == 1);
                String room = router.webex.directRoom("proxied@example.com");
                router.webex.say("proxied@example.com", room, "through the proxy");
                assertEquals(1, router.webex.awaitBotMessages(room, 1, WAIT).size());
            } finally {
                router.close();
            }
            assertEquals(1, mercury.deletedDevices().size(), "the device is deleted on a graceful stop");

            String basic = "Basic " + Base64.getEncoder().encodeToString("bot:s3cret-proxy-pass".getBytes(StandardCharsets.UTF_8));
            List<LoopbackProxy.Request> requests = proxy.requests;
            assertTrue(requests.stream().allMatch(r -> basic.equals(r.proxyAuthorization())), requests.toString());
            String api = router.webex.apiUrl().replace("/v1", "");
            String wdm = mercury.devicesUrl().replace("/wdm/api/v1", "");
            assertTrue(requests.stream().anyMatch(r -> r.line().contains(api + "/v1/people/me")), "REST: " + requests);
            assertTrue(requests.stream().anyMatch(r -> r.line().contains(wdm + "/wdm/api/v1/devices")), "WDM: " + requests);
            // REST and devices to an http:// target: absolute-form requests; the websocket: a CONNECT tunnel
            assertTrue(requests.stream().anyMatch(r -> r.tunnel() && r.line().contains(wdm.substring("http://".length()))),
                    "socket: " + requests);
            assertEquals(List.of(), logs.lines.stream().filter(l -> l.contains("s3cret-proxy-pass")).toList(),
                    "the proxy password is never logged");
        }
    }

    @Test
    void notReadyOnceTheSocketIsDownLongerThanTheGracePeriodAndReadyAgainWhenItIsBack() throws Exception {
        try (RouterHarness router = RouterHarness.websocket(Map.of("webex.socket.grace-ms", "500")).start()) {
            MercuryDouble mercury = router.webex.mercury();
            await().atMost(WAIT).until(() -> mercury.authorizedSockets() == 1);
            await().atMost(WAIT).until(() -> router.manage("/observe/health/ready").statusCode() == 200);

            mercury.down(true);
            mercury.dropSockets();

            await().atMost(WAIT).until(() -> router.manage("/observe/health/ready").statusCode() == 503);
            JsonNode checks = RouterHarness.JSON.readTree(router.manage("/observe/health/ready").body()).path("checks");
            JsonNode check = java.util.stream.StreamSupport.stream(checks.spliterator(), false)
                    .filter(c -> "webex-socket".equals(c.path("name").asText())).findFirst().orElseThrow(() -> new AssertionError(checks.toString()));
            assertEquals("DOWN", check.path("status").asText(), check.toString());
            assertEquals(200, router.manage("/observe/health/live").statusCode(), "not a liveness check");
            assertEquals(0.0, router.metric("wbxt_socket_connected"));

            mercury.down(false);
            await().atMost(WAIT).until(() -> router.manage("/observe/health/ready").statusCode() == 200);
            assertEquals(1.0, router.metric("wbxt_socket_connected"));
        }
    }

    @Test
    void aFrameWhoseEventCouldNotBeStoredIsNotAcknowledged() throws Exception {
        // Admission refuses every event (less free disk than asked for): the store is never reached.
        try (RouterHarness router = RouterHarness.websocket(Map.of("ingest.min-free-disk-mb", "1000000000")).start()) {
            MercuryDouble mercury = router.webex.mercury();
            await().atMost(WAIT).until(() -> mercury.authorizedSockets() == 1);
            String room = router.webex.directRoom("refused@example.com");

            router.webex.say("refused@example.com", room, "not stored");

            await().atMost(WAIT).until(() -> router.metric("wbxt_events_rejected_total{reason=\"disk_full\"}") == 1.0);
            String frame = mercury.pushed().get(0).frameId();
            assertFalse(mercury.acks().contains(frame));
            assertEquals(0, router.context().hasService(EmbeddedBroker.class).messageCount("wbxt.events"));
        }
    }

    @Test
    void aFrameIsAcknowledgedOnlyOnceItsEventIsInTheQueue() throws Exception {
        try (RouterHarness router = RouterHarness.websocket(Map.of()).start()) {
            router.context().getRouteController().stopRoute("dispatch"); // stored events stay in the queue
            MercuryDouble mercury = router.webex.mercury();
            await().atMost(WAIT).until(() -> mercury.authorizedSockets() == 1);

            router.webex.say("stored@example.com", router.webex.directRoom("stored@example.com"), "keep me");

            String frame = mercury.pushed().get(0).frameId();
            await().atMost(WAIT).until(() -> mercury.acks().contains(frame));
            assertEquals(1, router.context().hasService(EmbeddedBroker.class).messageCount("wbxt.events"));
            assertEquals(1.0, router.metric("wbxt_socket_frames_acked_total"));
        }
    }
}
