package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the bot does when Webex rate-limits, fails, lags or refuses: retries, then dead letters with the reason. */
class WebexFailuresTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    static final RouterHarness router = new RouterHarness(Map.of(
            "webex.client.initial-backoff-millis", "20",
            "webex.client.max-backoff-millis", "50",
            "webex.client.not-found-retry-delay-millis", "50",
            "processing.max-attempts", "3",
            "webex.client.circuit-open-millis", "300")).withWebhooks();

    @AfterEach
    void clearFaults() {
        router.webex.clearFaults();
    }

    @Test
    void rateLimitedReplyWaitsRetryAfterThenIsSentOnce() {
        String room = router.webex.directRoom("busy@example.com");
        router.webex.failNext("POST", "/messages", 429, 1, 1);
        long start = System.nanoTime();

        router.webex.say("busy@example.com", room, "rate limited");

        assertEquals(1, router.webex.awaitBotMessages(room, 1, WAIT).size());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 1000, "waited Retry-After: 1");
        assertEquals(1, router.webex.calls().stream()
                .filter(c -> c.method().equals("POST") && c.path().endsWith("/messages") && c.status() == 429).count());
        assertEquals(1, router.botRepliesIn(room).size());
    }

    @Test
    void serverErrorsAreRetriedWithBackoff() {
        String room = router.webex.directRoom("flaky@example.com");
        router.webex.failNext("GET", "/messages/", 503, 2, null);

        router.webex.say("flaky@example.com", room, "through the errors");

        assertTrue(((String) router.webex.awaitBotMessages(room, 1, WAIT).get(0).get("markdown")).contains("through the errors"));
    }

    @Test
    void aRoomsEventsAreAnsweredInOrderEvenWhenTheFirstOneHasToBeRetried() throws Exception {
        String room = router.webex.directRoom("order@example.com");
        // Every GET of a message fails for a while: the first event is rolled back and tried again,
        // and the room's next events must not overtake it.
        router.webex.failNext("GET", "/messages/", 503, 9, null);
        for (String text : List.of("one", "two", "three")) {
            router.webex.say("order@example.com", room, text);
        }

        List<Map<String, Object>> replies = router.webex.awaitBotMessages(room, 3, WAIT);

        assertEquals(List.of("one", "two", "three"), replies.stream()
                .map(r -> ((String) r.get("markdown")).replaceAll("(?s).*said:\\*\\* ", "")).toList());
        assertTrue(router.manage("/observe/metrics").body().contains("wbxt_events_retried_total{queue=\"wbxt.events\"}"));
    }

    @Test
    void aMessageNotYetVisibleRightAfterItsWebhookIsFetchedAgain() {
        String room = router.webex.directRoom("lag@example.com");
        router.webex.failNext("GET", "/messages/", 404, 2, null); // Webex's REST view lags behind its webhooks

        router.webex.say("lag@example.com", room, "eventually consistent");

        assertEquals(1, router.webex.awaitBotMessages(room, 1, WAIT).size());
    }

    @Test
    void aRefusedReplyGoesToTheDeadLettersWithItsReason() throws Exception {
        String room = router.webex.directRoom("refused@example.com");
        router.webex.failNext("POST", "/messages", 400, 100, null);

        router.webex.say("refused@example.com", room, "cannot be answered");

        Exchange dead = receiveDeadLetter(room);
        assertNotNull(dead, "dead-lettered");
        assertTrue(dead.getMessage().getHeader("WbxtDeadLetterReason", String.class).contains("400"),
                dead.getMessage().getHeaders().toString());
        assertEquals(1, dead.getMessage().getHeader("WbxtDeadLetterAttempts", Integer.class), "a 4xx is not retried");
        Map<?, ?> event = RouterHarness.JSON.readValue(dead.getMessage().getBody(String.class), Map.class);
        assertEquals(room, ((Map<?, ?>) event.get("data")).get("roomId"), "the original webhook is kept");
        assertTrue(router.manage("/observe/metrics").body().contains("wbxt_events_dead_lettered_total{queue=\"wbxt.events\"}"));
        assertEquals(0, router.botRepliesIn(room).size());
    }

    private Exchange receiveDeadLetter(String room) {
        try (ConsumerTemplate consumer = router.context().createConsumerTemplate()) {
            return consumer.receive("jms:queue:wbxt.events.dlq?selector=JMSXGroupID='" + room + "'", WAIT.toMillis());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
