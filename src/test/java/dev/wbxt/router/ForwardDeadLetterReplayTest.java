package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** A destination that refused an event for good: its dead letter is listed and replayed through the admin API. */
class ForwardDeadLetterReplayTest {
    private static final String ADMIN = "replay-admin-token";

    @Test
    void aDestinationsDeadLetterIsReplayedToItAndNotToTheBotAgain() throws Exception {
        try (HttpSink sink = new HttpSink();
             RouterHarness router = new RouterHarness(Map.of("forward.url", sink.url(), "admin.token", ADMIN,
                     "forward.max-attempts", "2", "forward.retry-delay-ms", "20", "forward.max-retry-delay-ms", "50"))) {
            router.start();
            router.registerWebhooks();
            String room = router.webex.directRoom("downstream@example.com");
            sink.failWith(400); // the downstream system refuses everything for now

            router.webex.say("downstream@example.com", room, "keep me for later");
            router.webex.awaitBotMessages(room, 1, Duration.ofSeconds(10));

            Map<?, ?> letter = awaitDeadLetter("wbxt.forward.default.dlq", router);
            assertTrue(((String) letter.get("reason")).contains("400"), letter.toString());
            assertEquals(0, sink.received().size());
            // the page shows the letter's CloudEvent (the destination's queue holds it as bytes)
            HttpResponse<String> shown = admin(router, "GET", "/admin/dead-letters/" + letter.get("id"), null);
            assertEquals(200, shown.statusCode(), shown.body());
            Map<?, ?> event = (Map<?, ?>) RouterHarness.JSON.readValue(shown.body(), Map.class).get("body");
            assertEquals("1.0", event.get("specversion"), shown.body());
            assertTrue(shown.body().contains("keep me for later"), shown.body());

            sink.failWith(0);
            HttpResponse<String> replayed = admin(router, "POST", "/admin/dead-letters/replay",
                    "{\"all\":true,\"queue\":\"wbxt.forward.default.dlq\"}");
            assertEquals(200, replayed.statusCode(), replayed.body());

            List<HttpSink.Received> delivered = sink.awaitReceived(1, Duration.ofSeconds(10));
            assertEquals(1, delivered.size());
            assertTrue(delivered.get(0).body().contains("keep me for later"));
            router.awaitIdle();
            assertEquals(1, router.botRepliesIn(room).size(), "the replay goes to the destination only");
        }
    }

    private static Map<?, ?> awaitDeadLetter(String queue, RouterHarness router) {
        return await("a dead letter in " + queue).atMost(Duration.ofSeconds(15))
                .until(() -> deadLetterIn(queue, router), Optional::isPresent).orElseThrow();
    }

    private static Optional<Map<?, ?>> deadLetterIn(String queue, RouterHarness router) throws Exception {
        HttpResponse<String> rsp = admin(router, "GET", "/admin/dead-letters", null);
        List<?> items = (List<?>) RouterHarness.JSON.readValue(rsp.body(), Map.class).get("items");
        return items.stream().<Map<?, ?>>map(item -> (Map<?, ?>) item).filter(item -> queue.equals(item.get("queue"))).findFirst();
    }

    private static HttpResponse<String> admin(RouterHarness router, String method, String path, String body) throws Exception {
        return router.admin(ADMIN, method, path, body);
    }
}
