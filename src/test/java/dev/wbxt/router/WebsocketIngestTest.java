package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.wbxt.router.mercury.MercuryFrames;
import dev.wbxt.router.simulator.MercuryDouble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Websocket mode end to end against the simulator's Mercury double (binary frames): no webhook registered, the
 * lab's echo bot answers over the socket, frames are acknowledged once stored, the socket comes back after a drop
 * and after its device is gone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebsocketIngestTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private RouterHarness router;
    private MercuryDouble mercury;

    @BeforeAll
    void start() throws Exception {
        router = RouterHarness.websocket(Map.of()).start();
        mercury = router.webex.mercury();
        await().atMost(WAIT).until(() -> mercury.authorizedSockets() == 1);
        // the registrar's start-up backfill (once it leads) has run: from now on only a reconnect's gap backfills
        await().atMost(WAIT).until(() -> router.manage("/observe/metrics").body().contains("wbxt_backfill_messages_total"));
    }

    @AfterAll
    void stop() throws Exception {
        router.close();
    }

    @Test
    void echoesAMessageThatCameOverTheSocketAndAcknowledgesItsFrame() {
        String room = router.webex.groupRoom("Socket Unicorn");
        router.webex.say("ada@example.com", room, "hello socket");

        String reply = (String) router.webex.awaitBotMessages(room, 1, WAIT).get(0).get("markdown");

        assertTrue(reply.contains("**Room:** Socket Unicorn"), reply);
        assertTrue(reply.contains("**Ada said:** hello socket"), reply);
        assertTrue(reply.contains("\"resource\" : \"messages\""), reply);
        assertEquals(List.of(), router.webex.webhooks(), "no webhook is registered in websocket mode");
        String frame = frameOf(lastMessageBy("ada@example.com", room));
        await().atMost(WAIT).until(() -> mercury.acks().contains(frame));
    }

    @Test
    void theBotsOwnMessageComesBackOverTheSocketAndIsNotAnswered() throws Exception {
        String ignoredOwn = "wbxt_events_processed_total{outcome=\"ignored-own\",resource=\"messages\"}";
        // read before the message: the reply's own frame can be stored and ignored before the reply is seen here
        double ignoredBefore = router.metric(ignoredOwn);
        String room = router.webex.directRoom("loop-socket@example.com");
        router.webex.say("loop-socket@example.com", room, "do not loop");
        Map<String, Object> reply = router.webex.awaitBotMessages(room, 1, WAIT).get(0);

        String ownFrame = frameOf(reply);
        await().atMost(WAIT).until(() -> mercury.acks().contains(ownFrame));
        // the room is processed in order: once the marker is answered, the reply's own event has been processed
        List<String> replies = marker("loop-socket@example.com", room);
        assertEquals(2, replies.size(), "the answer and the marker's, the bot's own message not answered: " + replies);
        assertTrue(router.metric(ignoredOwn) > ignoredBefore, "the bot's own message was counted as ignored");
    }

    @Test
    void anAdaptiveCardIsSentBackAsACardAndItsSubmitIsAnswered() throws Exception {
        String card = new String(getClass().getResourceAsStream("/lab-adaptive-card.json").readAllBytes(), StandardCharsets.UTF_8);
        String room = router.webex.directRoom("cards-socket@example.com");
        router.webex.say("cards-socket@example.com", room, card);

        Map<String, Object> cardReply = router.webex.awaitBotMessages(room, 1, WAIT).get(0);
        Map<?, ?> attachment = (Map<?, ?>) ((List<?>) cardReply.get("attachments")).get(0);
        assertEquals("application/vnd.microsoft.card.adaptive", attachment.get("contentType"));

        router.webex.submitCard("cards-socket@example.com", (String) cardReply.get("id"), Map.of("input_text", "from the socket"));
        String answer = (String) router.webex.awaitBotMessages(room, 2, WAIT).get(1).get("markdown");
        assertTrue(answer.contains("from the socket"), answer);
        assertTrue(mercury.pushed().stream().anyMatch(p -> "cardAction".equals(p.verb())));
    }

    @Test
    void theSameMessageInTwoFramesIsAnsweredOnceAndBothFramesAreAcknowledged() throws Exception {
        String room = router.webex.directRoom("twice-socket@example.com");
        router.webex.say("twice-socket@example.com", room, "once please");
        router.webex.awaitBotMessages(room, 1, WAIT);
        String first = frameOf(lastMessageBy("twice-socket@example.com", room));

        String again = mercury.pushAgain(first);

        await().atMost(WAIT).until(() -> mercury.acks().contains(again));
        router.awaitIdle();
        assertEquals(1, router.botRepliesIn(room).size());
    }

    @Test
    void reconnectsAfterTheServerDropsTheSocket() throws Exception {
        double reconnects = router.metric("wbxt_socket_reconnects_total");
        mercury.dropSockets();

        await().atMost(WAIT).until(() -> router.metric("wbxt_socket_reconnects_total") > reconnects);
        await().atMost(WAIT).until(() -> mercury.authorizedSockets() == 1);
        String room = router.webex.directRoom("back-socket@example.com");
        router.webex.say("back-socket@example.com", room, "are you back");
        assertEquals(1, router.webex.awaitBotMessages(room, 1, WAIT).size());
        assertTrue(router.metric("wbxt_socket_connected") == 1.0);
    }

    /**
     * Issue 21 item 6: the socket is down while three messages are posted, and Webex no longer has their frames when
     * it comes back (the double's outage loses them). After the reconnect the gap is backfilled: the three, and the message
     * answered before the drop (inside the overlap), are offered to the queue; each missed one is answered once, in
     * its room's order, and the one answered before the drop is not answered again.
     */
    @Test
    void messagesPostedWhileTheSocketWasDownAreFetchedAfterTheReconnectAndAnsweredOnce() throws Exception {
        String room = router.webex.directRoom("gap-socket@example.com");
        String other = router.webex.directRoom("gap-other@example.com");
        router.webex.say("gap-socket@example.com", room, "before the drop");
        router.webex.awaitBotMessages(room, 1, WAIT);
        double backfilled = router.metric("wbxt_backfill_messages_total");

        mercury.outage(true);
        await().atMost(WAIT).until(() -> router.metric("wbxt_socket_connected") == 0.0);
        router.webex.say("gap-socket@example.com", room, "while down 1");
        router.webex.say("gap-socket@example.com", room, "while down 2");
        router.webex.say("gap-other@example.com", other, "while down 3");
        int pushedWhileDown = mercury.pushed().size();
        mercury.outage(false);
        await().atMost(WAIT).until(() -> mercury.authorizedSockets() == 1);

        router.webex.awaitBotMessages(room, 3, WAIT);
        router.webex.awaitBotMessages(other, 1, WAIT);
        List<String> replies = marker("gap-socket@example.com", room);
        List<String> others = marker("gap-other@example.com", other);
        assertEquals(4, replies.size(), "before the drop, while down 1 and 2, the marker, each once: " + replies);
        assertTrue(replies.get(0).contains("before the drop"), replies.get(0));
        assertTrue(replies.get(1).contains("while down 1"), replies.get(1));
        assertTrue(replies.get(2).contains("while down 2"), replies.get(2));
        assertEquals(2, others.size(), "while down 3 and the marker: " + others);
        assertTrue(others.get(0).contains("while down 3"), others.get(0));
        assertTrue(router.metric("wbxt_backfill_messages_total") >= backfilled + 4,
                "the three missed messages and the one answered before the drop were offered to the queue");
        assertTrue(mercury.acks().stream().noneMatch(a -> mercury.pushed().subList(pushedWhileDown - 3, pushedWhileDown)
                .stream().anyMatch(p -> p.frameId().equals(a))), "no frame of the missed messages ever reached the service");
    }

    @Test
    void registersANewDeviceWhenItsWebsocketAnswers404() throws Exception {
        int devices = mercury.registeredDevices().size();
        mercury.forgetDevices();
        mercury.dropSockets();

        await().atMost(WAIT).until(() -> mercury.handshakes().contains(404));
        await().atMost(WAIT).until(() -> mercury.registeredDevices().size() == devices + 1 && mercury.authorizedSockets() == 1);
        String room = router.webex.directRoom("new-device@example.com");
        router.webex.say("new-device@example.com", room, "new device");
        assertEquals(1, router.webex.awaitBotMessages(room, 1, WAIT).size());
    }

    /**
     * Posts a marker in the room (over the socket) and waits for its answer: a room is processed in order, so every
     * event stored before it has been processed by then. The bot's replies in the room, as text.
     */
    private List<String> marker(String email, String room) {
        String text = "marker-" + java.util.UUID.randomUUID();
        router.webex.say(email, room, text);
        await().atMost(WAIT).until(() -> router.botRepliesIn(room).stream()
                .anyMatch(r -> String.valueOf(r.get("markdown")).contains(text)));
        return router.botRepliesIn(room).stream().map(r -> String.valueOf(r.get("markdown"))).toList();
    }

    /**
     * The frame the double pushed for that message (the activity id is the uuid inside the message id), once pushed:
     * the message can be listed a moment before its frame goes out.
     */
    private String frameOf(Map<String, Object> message) {
        String id = (String) message.get("id");
        return await("the frame for " + id).atMost(WAIT).until(() -> mercury.pushed().stream()
                .filter(p -> MercuryFrames.restId("MESSAGE", p.activityId()).equals(id))
                .map(MercuryDouble.Pushed::frameId).findFirst(), java.util.Optional::isPresent).get();
    }

    private Map<String, Object> lastMessageBy(String email, String room) {
        String personId = (String) router.webex.person(email).get("id");
        return router.webex.messagesIn(room).stream().filter(m -> personId.equals(m.get("personId")))
                .reduce((a, b) -> b).orElseThrow();
    }
}
