package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** FORWARD_URL receives every processed event, enriched; a downstream outage delays it and loses nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForwardTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private HttpSink sink;
    private RouterHarness router;

    @BeforeAll
    void start() throws Exception {
        sink = new HttpSink();
        router = new RouterHarness(Map.of("forward.url", sink.url(), "processing.max-attempts", "1000",
                "forward.retry-delay-ms", "50", "forward.max-retry-delay-ms", "200")).start();
        router.registerWebhooks();
    }

    @AfterAll
    void stop() throws Exception {
        router.close();
        sink.close();
    }

    @Test
    void processedEventsArriveEnrichedAndSurviveADownstreamOutage() throws Exception {
        String room = router.webex.groupRoom("Forwarded room");
        router.webex.say("fwd@example.com", room, "first");
        List<HttpSink.Received> received = sink.awaitReceived(1, WAIT);
        Map<?, ?> cloudEvent = RouterHarness.JSON.readValue(received.get(0).body(), Map.class);
        assertEquals("1.0", cloudEvent.get("specversion"));
        assertEquals("com.webex.messages.created", cloudEvent.get("type"));
        assertEquals(room, cloudEvent.get("subject"));
        Map<?, ?> event = (Map<?, ?>) cloudEvent.get("data");
        assertEquals("messages", ((Map<?, ?>) event.get("webhook")).get("resource"));
        assertEquals("first", ((Map<?, ?>) event.get("message")).get("text"));
        assertEquals("Forwarded room", ((Map<?, ?>) event.get("room")).get("title"));
        assertEquals("Fwd", ((Map<?, ?>) event.get("sender")).get("displayName"));
        assertEquals(List.of("application/cloudevents+json"), received.get(0).headers().get("Content-type"));
        assertEquals(List.of(String.valueOf(cloudEvent.get("id"))), received.get(0).headers().get("Webhook-id"),
                "a stable key to dedupe on: " + received.get(0).headers());
        assertTrue(String.valueOf(cloudEvent.get("id")).startsWith("messages:created:"), "the dedupe key");

        sink.failWith(503);
        int attemptsBefore = sink.attempts().size();
        router.webex.say("fwd@example.com", room, "second");
        router.webex.say("fwd@example.com", room, "third");
        // The bot answers while the downstream system is down: forwarding never holds replies back.
        assertEquals(3, router.webex.awaitBotMessages(room, 3, WAIT).size());
        await("the destination tried again while down").atMost(WAIT)
                .until(() -> sink.attempts().size() >= attemptsBefore + 2);
        assertEquals(1, sink.received().size(), "refused while down");

        sink.failWith(0);
        List<HttpSink.Received> all = sink.awaitReceived(3, WAIT);
        assertEquals(3, all.size());
        assertEquals(List.of("first", "second", "third"), all.stream()
                .map(r -> String.valueOf(((Map<?, ?>) read(r.body()).get("data")).get("message") instanceof Map<?, ?> m
                        ? m.get("text") : null)).toList(),
                "in the order of the room");
        // the CloudEvents Sequence extension (issue 21 item 2): the room's stored order, 19 digits, increasing
        List<String> sequences = all.stream().map(r -> String.valueOf(read(r.body()).get("sequence"))).toList();
        assertTrue(sequences.stream().allMatch(s -> s.matches("\\d{19}")), "a sequence on each: " + sequences);
        assertTrue(sequences.get(0).compareTo(sequences.get(1)) < 0 && sequences.get(1).compareTo(sequences.get(2)) < 0,
                "increasing in the room's order: " + sequences);
    }

    private static Map<?, ?> read(String json) {
        try {
            return RouterHarness.JSON.readValue(json, Map.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
