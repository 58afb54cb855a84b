package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lab's echo bot, end to end: a simulated user talks, Webex (the simulator) sees the bot's answers. */
class EchoBotTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final RouterHarness router = new RouterHarness().withWebhooks();

    @Test
    void echoesTheWebhookWithSenderTextAndRoomTitle() {
        String room = router.webex.groupRoom("Project Unicorn");
        List<?> deliveries = router.webex.say("ada@example.com", room, "hello router");
        assertTrue(deliveries.stream().allMatch(d -> ((dev.wbxt.router.simulator.WebexSimulator.Delivery) d).status() == 200));

        String reply = (String) router.webex.awaitBotMessages(room, 1, WAIT).get(0).get("markdown");

        assertTrue(reply.contains("```json"), reply);
        assertTrue(reply.contains("\"resource\" : \"messages\""), reply);
        assertTrue(reply.contains("**Room:** Project Unicorn"), reply);
        assertTrue(reply.contains("**Ada said:** hello router"), reply);
        // toD webex:getMessage?id=... goes through one static endpoint per operation, not one per message
        assertTrue(router.context().getEndpoints().stream().filter(e -> e.getEndpointUri().startsWith("webex:"))
                .noneMatch(e -> e.getEndpointUri().contains("id=")), router.context().getEndpoints().toString());
    }

    @Test
    void theBotsOwnReplyComesBackAsAWebhookAndIsNotAnswered() throws Exception {
        String room = router.webex.directRoom("loop@example.com");
        router.webex.say("loop@example.com", room, "do not loop");
        Map<String, Object> reply = router.webex.awaitBotMessages(room, 1, WAIT).get(0);
        router.awaitDelivered((String) reply.get("id")); // the simulator fires the bot's own message back, as Webex does
        List<Map<String, Object>> replies = router.sendMarker("loop@example.com", room);
        assertEquals(2, replies.size(), "the first reply and the marker's, none to the bot's own message: " + replies);
    }

    @Test
    void ownMessagesAreDroppedWithoutAnyWebexCall() throws Exception {
        String botId = (String) router.webex.bot().get("id");
        String room = router.webex.directRoom("quiet@example.com");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", "Y2lzY29zcGFyazovL3VzL01FU1NBR0Uvb3duLW1lc3NhZ2U");
        data.put("roomId", room);
        data.put("personId", botId);
        data.put("personEmail", "echo-bot@webex.bot");
        router.awaitIdle();
        router.webex.clearCalls();

        assertEquals(200, router.deliver(router.envelope("messages", "created", botId, data)).statusCode());

        router.awaitIdle();
        assertEquals(List.of(), router.webex.calls(), "the bot id is cached: nothing at all is asked of Webex");
        assertTrue(router.manage("/observe/metrics").body().contains("outcome=\"ignored-own\""));
    }

    @Test
    void anAdaptiveCardIsSentBackAsACardAndItsSubmitIsAnswered() throws Exception {
        String card = new String(getClass().getResourceAsStream("/lab-adaptive-card.json").readAllBytes(), StandardCharsets.UTF_8);
        String room = router.webex.directRoom("cards@example.com");
        router.webex.say("cards@example.com", room, card);

        Map<String, Object> cardReply = router.webex.awaitBotMessages(room, 1, WAIT).get(0);
        List<?> attachments = (List<?>) cardReply.get("attachments");
        Map<?, ?> attachment = (Map<?, ?>) attachments.get(0);
        assertEquals("application/vnd.microsoft.card.adaptive", attachment.get("contentType"));
        assertEquals(RouterHarness.JSON.readValue(card, Map.class), attachment.get("content"));
        assertTrue(String.valueOf(cardReply.get("text")).length() > 0, "a text fallback for clients without cards");

        router.webex.submitCard("cards@example.com", (String) cardReply.get("id"),
                Map.of("input_text", "some text", "input_toggle", "true"));

        String answer = (String) router.webex.awaitBotMessages(room, 2, WAIT).get(1).get("markdown");
        assertTrue(answer.contains("\"input_text\" : \"some text\""), answer);
        assertTrue(answer.contains("\"input_toggle\" : \"true\""), answer);
        assertTrue(answer.contains("Cards submitted the card"), answer);
    }

    @Test
    void aLongMessageIsEchoedWithinWebexsLimit() {
        String room = router.webex.directRoom("long@example.com");
        router.webex.say("long@example.com", room, "é".repeat(3600)); // 7200 bytes of text alone

        String reply = (String) router.webex.awaitBotMessages(room, 1, WAIT).get(0).get("markdown");

        assertTrue(reply.getBytes(StandardCharsets.UTF_8).length <= 7439);
        assertTrue(reply.contains("(truncated)"), reply);
    }

    @Test
    void otherResourcesAreLoggedAndNotAnswered() throws Exception {
        String room = router.webex.groupRoom("Membership room");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", "Y2lzY29zcGFyazovL3VzL01FTUJFUlNISVAvYWRkZWQ");
        data.put("roomId", room);
        data.put("personId", router.webex.bot().get("id"));
        String actor = (String) router.webex.person("owner@example.com").get("id");
        assertEquals(200, router.deliver(router.envelope("memberships", "created", actor, data)).statusCode());
        assertEquals(200, router.deliver(router.envelope("rooms", "updated", actor,
                new LinkedHashMap<>(Map.of("id", room, "isLocked", true)))).statusCode());
        assertEquals(200, router.deliver(router.envelope("meetings", "started", actor,
                new LinkedHashMap<>(Map.of("id", "Y2lzY29zcGFyazovL3VzL01FRVRJTkcvYQ")))).statusCode());

        String metrics = router.awaitMetrics("wbxt_events_processed_total{outcome=\"logged\",resource=\"meetings\"} 1.0");
        assertTrue(metrics.contains("wbxt_events_processed_total{outcome=\"logged\",resource=\"memberships\"} 1.0"), metrics);
        assertTrue(metrics.contains("wbxt_events_processed_total{outcome=\"logged\",resource=\"rooms\"} 1.0"), metrics);
        assertEquals(0, router.botRepliesIn(room).size());
    }
}
