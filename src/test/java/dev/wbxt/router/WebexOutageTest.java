package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Webex down for much longer than the retry budget: nothing is dead-lettered, Webex is not hammered, the service
 * stays ready (Webex's state is a detail), and every event is answered, in order, once Webex is back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebexOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private RouterHarness router;

    @BeforeAll
    void start() throws Exception {
        router = new RouterHarness(Map.of(
                "processing.max-attempts", "2",
                "webex.client.initial-backoff-millis", "10",
                "webex.client.max-backoff-millis", "20",
                "webex.client.circuit-open-millis", "1000")).start();
        router.registerWebhooks();
    }

    @AfterAll
    void stop() throws Exception {
        router.close();
    }

    @Test
    void eventsWaitOutAnOutageAndAreAnsweredInOrderAfterIt() throws Exception {
        String room = router.webex.directRoom("outage@example.com");
        router.awaitIdle();
        router.webex.failNext(null, "/", 503, 1_000_000, null); // every call answers 503 until cleared
        router.webex.clearCalls();
        for (String text : List.of("one", "two", "three")) {
            router.webex.say("outage@example.com", room, text);
        }

        Thread.sleep(5000); // 2 attempts would have dead-lettered them many times over by now
        int callsDuringOutage = router.webex.calls().size();
        assertEquals(0.0, router.metric("wbxt_queue_depth{queue=\"wbxt.events.dlq\"}"), "nothing dead-lettered");
        assertEquals(0.0, router.metric("wbxt_webex_available"));
        HttpResponse<String> health = router.manage("/observe/health");
        assertEquals(200, health.statusCode(), "Webex down does not take the service out of rotation");
        assertTrue(health.body().contains("Webex unreachable since"), health.body());
        // Without the circuit breaker every consumer would retry every ~100 ms, 4 calls at a time: hundreds.
        assertTrue(callsDuringOutage < 40, "Webex is not hammered: " + callsDuringOutage + " calls in 5 s");

        router.webex.clearFaults();

        List<Map<String, Object>> replies = router.webex.awaitBotMessages(room, 3, WAIT);
        assertEquals(List.of("one", "two", "three"), replies.stream()
                .map(r -> ((String) r.get("markdown")).replaceAll("(?s).*said:\\*\\* ", "")).toList());
        router.awaitIdle();
        assertEquals(3, router.botRepliesIn(room).size(), "each answered once");
        assertEquals(1.0, router.metric("wbxt_webex_available"));
        System.out.printf("Webex outage: 3 events sent, 3 acknowledged, %d Webex calls in 5 s of outage, "
                + "3 answered after it, 0 duplicated, 0 dead-lettered%n", callsDuringOutage);
    }
}
