package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** An acknowledged event is processed even when Webex was down and the service stopped in between. */
class DurabilityTest {

    @Test
    void eventsAcknowledgedWhileWebexIsDownAreAnsweredAfterARestart() throws Exception {
        try (RouterHarness router = new RouterHarness(Map.of("processing.max-attempts", "1000"))) {
            router.start();
            String room = router.webex.directRoom("patient@example.com");
            List<Map<String, Object>> messages = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                messages.add(router.newMessage("patient@example.com", room, "queued " + i));
            }
            router.webex.stop(); // connection refused from now on

            for (Map<String, Object> message : messages) {
                assertEquals(200, router.deliver(router.messageCreated(message)).statusCode());
            }
            router.stop();            // the events are only in the broker's journal now
            router.webex.restart();
            router.start();           // same data folder

            router.webex.awaitBotMessages(room, 3, Duration.ofSeconds(20));
            List<Map<String, Object>> replies = router.sendMarker("patient@example.com", room);
            assertEquals(4, replies.size(), "each answered once, then the marker: " + replies);
            for (int i = 0; i < 3; i++) {
                String markdown = (String) replies.get(i).get("markdown");
                assertEquals(true, markdown.endsWith("queued " + (i + 1)), "in the order received: " + markdown);
            }
        }
    }

    @Test
    void anEventDeliveredAgainAfterARestartIsNotAnsweredTwiceNorStuck() throws Exception {
        try (RouterHarness router = new RouterHarness()) {
            router.start();
            String room = router.webex.directRoom("again@example.com");
            Map<String, Object> message = router.newMessage("again@example.com", room, "said once");
            assertEquals(200, router.deliver(router.messageCreated(message)).statusCode());
            router.webex.awaitBotMessages(room, 1, Duration.ofSeconds(10));
            router.awaitIdle();
            router.stop();
            router.start(); // the broker's duplicate cache does not outlive it: this delivery is processed again

            assertEquals(200, router.deliver(router.messageCreated(message)).statusCode());
            // processed to the end: a rolled-back, looping event would hold the room's marker back
            List<Map<String, Object>> replies = router.sendMarker("again@example.com", room);
            assertEquals(2, replies.size(), "answered once, then the marker: " + replies);
            assertEquals(0.0, router.metric("wbxt_events_retried_total{queue=\"wbxt.events\"}"), "no retry loop");
        }
    }
}
