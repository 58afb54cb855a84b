package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bot toolkit of routes/30-bot.yaml and 31-commands.yaml, end to end through the simulator's webhooks. */
class BotToolkitTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final RouterHarness router = new RouterHarness(Map.of(
            "bot.allow.email-domains", "example.com",
            "bot.allow.people", "guest@partner.org",
            "bot.greeting.enabled", "true",
            "bot.pattern.ping", "(?i)^(ping|are you there)\\\\b",
            "camel.main.routes-include-pattern", "file:routes/*.yaml,file:src/test/resources/bot/convention-routes.yaml"))
            .withWebhooks();

    @BeforeAll
    static void removalsToo() throws Exception {
        router.send(HttpRequest.newBuilder(URI.create(router.webex.apiUrl() + "/webhooks"))
                .header("Authorization", "Bearer " + RouterHarness.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(RouterHarness.JSON.writeValueAsString(Map.of("name", "left",
                        "targetUrl", router.webhookUrl(), "resource", "memberships", "event", "deleted",
                        "secret", RouterHarness.SECRET)))));
    }

    private String answer(String email, String room, String text, int nth) {
        router.webex.say(email, room, text);
        List<Map<String, Object>> replies = router.webex.awaitBotMessages(room, nth, WAIT);
        assertEquals(nth, replies.size(), "bot replies in the room");
        return (String) replies.get(nth - 1).get("markdown");
    }

    @Test
    void aCommandIsItsFirstWordAndANewCommandIsAFewLinesOfYaml() {
        String room = router.webex.directRoom("ann@example.com");
        assertEquals("pong", answer("ann@example.com", room, "ping", 1));
        assertEquals("pong", answer("ann@example.com", room, "Are you there?", 2), "bot.pattern.ping regex");
        String whoami = answer("ann@example.com", room, "whoami", 3);
        assertTrue(whoami.contains("You are **Ann** (ann@example.com) in **Ann**"), whoami);
    }

    @Test
    void inAGroupRoomTheBotsMentionIsStrippedBeforeMatching() {
        String room = router.webex.groupRoom("Toolkit group");
        assertEquals("pong", answer("bob@example.com", room, "Echo ping", 1));
    }

    @Test
    void helpIsGeneratedFromTheCommandRoutes() {
        String room = router.webex.directRoom("help@example.com");
        String help = answer("help@example.com", room, "help", 1);
        assertTrue(help.contains("- `echo`: echo your message"), help);
        assertTrue(help.contains("- `ping`: pong"), help);
        assertTrue(help.contains("- `whoami`: "), help);
        assertTrue(help.contains("- `help`: what I can do"), help);
        assertTrue(help.contains("Anything else: `echo`"), help);
    }

    @Test
    void anythingElseIsEchoedAsInTheLab() {
        String room = router.webex.directRoom("lab@example.com");
        String echo = answer("lab@example.com", room, "hello there", 1);
        assertTrue(echo.contains("**Lab said:** hello there"), echo);
        String explicit = answer("lab@example.com", room, "echo again", 2);
        assertTrue(explicit.contains("**Lab said:** echo again"), explicit);
    }

    @Test
    void allowListsByDomainAndPersonOthersGetAPoliteRefusal() {
        String stranger = router.webex.directRoom("stranger@other.org");
        assertEquals("Sorry, I am not allowed to help you here.", answer("stranger@other.org", stranger, "ping", 1));
        String guest = router.webex.directRoom("guest@partner.org");
        assertEquals("pong", answer("guest@partner.org", guest, "ping", 1), "allowed by person");
    }

    @Test
    void aCardSubmitIsAnsweredInAThreadUnderTheCard() throws Exception {
        String card = new String(getClass().getResourceAsStream("/lab-adaptive-card.json").readAllBytes());
        String room = router.webex.directRoom("thread@example.com");
        router.webex.say("thread@example.com", room, card);
        Map<String, Object> cardMessage = router.webex.awaitBotMessages(room, 1, WAIT).get(0);
        assertNull(cardMessage.get("parentId"));
        router.webex.submitCard("thread@example.com", (String) cardMessage.get("id"), Map.of("input_text", "x"));
        Map<String, Object> answer = router.webex.awaitBotMessages(room, 2, WAIT).get(1);
        assertEquals(cardMessage.get("id"), answer.get("parentId"));
        assertTrue(((String) answer.get("markdown")).contains("submitted the card"));
    }

    @Test
    void aCardSubmitGoesToTheRouteOfItsActionInputOtherwiseItIsEchoed() throws Exception {
        String card = new String(getClass().getResourceAsStream("/lab-adaptive-card.json").readAllBytes());
        String room = router.webex.directRoom("voter@example.com");
        router.webex.say("voter@example.com", room, card);
        String cardId = (String) router.webex.awaitBotMessages(room, 1, WAIT).get(0).get("id");

        router.webex.submitCard("voter@example.com", cardId, Map.of("action", "vote", "choice", "blue"));
        Map<String, Object> vote = router.webex.awaitBotMessages(room, 2, WAIT).get(1);
        assertEquals("Vote counted: blue", vote.get("markdown"), "direct:card-vote of convention-routes.yaml");
        assertEquals(cardId, vote.get("parentId"), "under the card, as any card answer");

        // no route direct:card-unknown, and a name that is not a word: both echoed (the fallback), in order
        router.webex.submitCard("voter@example.com", cardId, Map.of("action", "unknown"));
        router.webex.submitCard("voter@example.com", cardId, Map.of("action", "../vote"));
        List<Map<String, Object>> answers = router.webex.awaitBotMessages(room, 4, WAIT);
        assertTrue(((String) answers.get(2).get("markdown")).contains("submitted the card"), answers.get(2).toString());
        assertTrue(((String) answers.get(3).get("markdown")).contains("../vote"), answers.get(3).toString());
    }

    @Test
    void aNewResourceIsOneRouteNamedAfterIt() {
        String room = router.webex.groupRoom("Meetings room");
        router.webex.fire(Map.of("id", "Y2lzY29zcGFyazovL3VzL1dFQkhPT0svbWVldGluZ3M", "resource", "meetings",
                "event", "started", "data", Map.of("id", "Y2lzY29zcGFyazovL3VzL01FRVRJTkcvMQ", "roomId", room)));
        List<Map<String, Object>> replies = router.webex.awaitBotMessages(room, 1, WAIT);
        assertEquals("meeting started", replies.get(0).get("markdown"), "direct:resource-meetings of convention-routes.yaml");
    }

    @Test
    void theBotGreetsARoomItIsAddedToAndForgetsItWhenRemoved() throws Exception {
        String room = router.webex.addBotToRoom("Fresh team", "owner@example.com");
        String greeting = (String) router.webex.awaitBotMessages(room, 1, WAIT).get(0).get("markdown");
        assertEquals("Hello, I am Echo Bot. Say **help** to see what I can do.", greeting);
        Path rooms = router.dataDir.resolve("bot-rooms.json");
        assertTrue(Files.readString(rooms).contains(room));

        router.webex.removeBotFromRoom(room, "owner@example.com");
        await("the room is forgotten").atMost(WAIT).until(() -> !Files.readString(rooms).contains(room));
        assertEquals(1, router.botRepliesIn(room).size(), "no goodbye, one greeting");
    }
}
