package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Webex down for much longer than the retry budget: nothing is dead-lettered, Webex is not hammered, the service
 * stays ready (Webex's state is a detail), and every event is answered, in order, once Webex is back.
 */
class WebexOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String RETRIED = "wbxt_events_retried_total{queue=\"wbxt.events\"}";

    @RegisterExtension
    static final RouterHarness router = new RouterHarness(Map.of(
            "processing.max-attempts", "2",
            "webex.client.initial-backoff-millis", "10",
            "webex.client.max-backoff-millis", "20",
            "webex.client.circuit-open-millis", "1000")).withWebhooks();

    @Test
    void eventsWaitOutAnOutageAndAreAnsweredInOrderAfterIt() throws Exception {
        String room = router.webex.directRoom("outage@example.com");
        router.awaitIdle();
        router.webex.failNext(null, "/", 503, 1_000_000, null); // every call answers 503 until cleared
        router.webex.clearCalls();
        double retriedBefore = router.metric(RETRIED);
        for (String text : List.of("one", "two", "three")) {
            router.webex.say("outage@example.com", room, text);
        }

        await("the circuit opens").atMost(WAIT).until(() -> router.metric("wbxt_webex_available") == 0.0);
        int callsAtOpen = router.webex.calls().size();
        long openedAt = System.nanoTime();
        // The room's first event is tried again and again, 10 times over processing.max-attempts (2): Webex being
        // down is not the event's fault, so it is not dead-lettered.
        await("20 retries").atMost(WAIT).until(() -> router.metric(RETRIED) >= retriedBefore + 20);
        long outageMillis = Duration.ofNanos(System.nanoTime() - openedAt).toMillis();
        int callsWhileOpen = router.webex.calls().size() - callsAtOpen;
        assertEquals(0.0, router.metric("wbxt_queue_depth{queue=\"wbxt.events.dlq\"}"), "nothing dead-lettered");
        assertEquals(0.0, router.metric("wbxt_webex_available"));
        HttpResponse<String> health = router.manage("/observe/health");
        assertEquals(200, health.statusCode(), "Webex down does not take the service out of rotation");
        assertTrue(health.body().contains("Webex unreachable since"), health.body());
        // Webex is not hammered: while the circuit is open nothing is sent; every webex.client.circuit-open-millis
        // (1000) it lets 2 trial calls through (WebexAvailability: permittedNumberOfCallsInHalfOpenState), whatever
        // the retry pace of the events (here 100 ms). The bound grows with the time measured, so a slow machine
        // only loosens it.
        long trialsAllowed = 2 * (outageMillis / 1000 + 1);
        System.out.printf("Webex outage: %d Webex calls in %d ms with the circuit open (at most %d allowed), "
                + "20 retries%n", callsWhileOpen, outageMillis, trialsAllowed);
        assertTrue(callsWhileOpen <= trialsAllowed, "Webex is not hammered: " + callsWhileOpen + " calls in "
                + outageMillis + " ms");

        router.webex.clearFaults();

        List<Map<String, Object>> replies = router.webex.awaitBotMessages(room, 3, WAIT);
        assertEquals(List.of("one", "two", "three"), replies.stream()
                .map(r -> ((String) r.get("markdown")).replaceAll("(?s).*said:\\*\\* ", "")).toList());
        assertEquals(4, router.sendMarker("outage@example.com", room).size(), "each answered once, then the marker");
        assertEquals(1.0, router.metric("wbxt_webex_available"));
        System.out.println("Webex outage: 3 events sent, 3 acknowledged, 3 answered after it, 0 duplicated, 0 dead-lettered");
    }
}
