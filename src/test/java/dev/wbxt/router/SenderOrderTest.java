package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The sender's order (issue 20): Webex delivers each webhook on a connection of its own, so a quick burst can arrive
 * in reverse. With a reorder window the bot answers in {@code data.created} order; without one, in the order the
 * webhooks arrived.
 */
class SenderOrderTest {
    @Test
    void withAWindowThreeMessagesDeliveredInReverseAreAnsweredInTheOrderTheyWereWritten() throws Exception {
        try (RouterHarness router = new RouterHarness(Map.of("processing.reorder-window-ms", "1000"))) {
            router.start();
            String room = router.webex.directRoom("burst@example.com");
            assertEquals(List.of("one", "two", "three"), deliverInReverse(router, room, "one", "two", "three"));
            assertEquals(2.0, router.metric("wbxt_reorder_reordered_total{queue=\"wbxt.events\"}"),
                    "two of them overtook an earlier arrival");
            assertTrue(router.metric("wbxt_reorder_wait_seconds_count{queue=\"wbxt.events\"}") >= 3);
        }
    }

    @Test
    void withoutAWindowTheyAreAnsweredInTheOrderTheyArrived() throws Exception {
        try (RouterHarness router = new RouterHarness()) {
            router.start();
            String room = router.webex.directRoom("plain@example.com");
            assertEquals(List.of("three", "two", "one"), deliverInReverse(router, room, "one", "two", "three"));
        }
    }

    /** Writes the messages in order (created one second apart), delivers their webhooks last first; returns the answers' texts. */
    private static List<String> deliverInReverse(RouterHarness router, String room, String... texts) throws Exception {
        Instant written = Instant.parse("2026-12-01T10:00:00Z");
        List<Map<String, Object>> webhooks = new ArrayList<>();
        for (String text : texts) {
            Map<String, Object> webhook = router.messageCreated(router.newMessage("burst@example.com", room, text));
            @SuppressWarnings("unchecked")
            Map<String, Object> data = (Map<String, Object>) webhook.get("data");
            data.put("created", written.toString());
            written = written.plusSeconds(1);
            webhooks.add(webhook);
        }
        for (int i = webhooks.size() - 1; i >= 0; i--) {
            assertEquals(200, router.deliver(webhooks.get(i)).statusCode());
        }
        router.webex.awaitBotMessages(room, texts.length, Duration.ofSeconds(20));
        return router.botRepliesIn(room).stream()
                .map(m -> ((String) m.get("markdown")).replaceAll("(?s).*said:\\*\\* ", "")).toList();
    }
}
