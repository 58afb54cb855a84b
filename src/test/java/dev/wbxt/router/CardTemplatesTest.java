package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wbxt.router.toolkit.cards.CardReplies;
import dev.wbxt.router.toolkit.cards.CardTemplates;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Card templates end to end: the service runs with its templates in a folder of real files (a copy of
 * {@code templates/} plus {@code src/test/resources/cards/templates/}), people talk to the bot through the simulator's
 * webhooks, and what the bot posted is read back from the simulator. Templates are edited on disk while it runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CardTemplatesTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private AbstractAppender capture;
    private Path templates;
    private RouterHarness router;

    @BeforeAll
    void start() throws Exception {
        capture = new AbstractAppender("card-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                String line = event.getLevel() + " " + event.getMessage().getFormattedMessage();
                log.add(line);
                System.out.println("CardTemplatesTest captured: " + line);
            }
        };
        capture.start();
        for (Class<?> c : List.of(CardTemplates.class, CardReplies.class)) {
            ((Logger) LogManager.getLogger(c)).addAppender(capture);
        }
        templates = Path.of("target", "test-templates", UUID.randomUUID().toString()).toAbsolutePath();
        Files.createDirectories(templates);
        for (Path source : List.of(Path.of("templates"), Path.of("src/test/resources/cards/templates"))) {
            try (Stream<Path> files = Files.list(source)) {
                for (Path file : files.toList()) {
                    Files.copy(file, templates.resolve(file.getFileName()));
                }
            }
        }
        router = new RouterHarness(Map.of(
                "bot.templates.dir", templates.toString(),
                "bot.templates.max-card-bytes", "3000",
                "routes.reload", "true",
                "camel.main.routes-include-pattern", "file:routes/*.yaml,file:src/test/resources/cards/card-routes.yaml"))
                .start();
        router.registerWebhooks();
    }

    @AfterAll
    void stop() throws Exception {
        router.close();
        for (Class<?> c : List.of(CardTemplates.class, CardReplies.class)) {
            ((Logger) LogManager.getLogger(c)).removeAppender(capture);
        }
        capture.stop();
    }

    /** Says {@code text} in the room and returns the bot's answer to it (its nth message there). */
    private Map<String, Object> answer(String email, String room, String text, int nth) {
        router.webex.say(email, room, text);
        List<Map<String, Object>> replies = router.webex.awaitBotMessages(room, nth, WAIT);
        assertEquals(nth, replies.size(), "bot replies in the room");
        return replies.get(nth - 1);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> card(Map<String, Object> message) {
        List<Map<String, Object>> attachments = (List<Map<String, Object>>) message.get("attachments");
        assertTrue(attachments != null && attachments.size() == 1, "one card attachment: " + message);
        assertEquals("application/vnd.microsoft.card.adaptive", attachments.get(0).get("contentType"));
        return (Map<String, Object>) attachments.get(0).get("content");
    }

    private boolean logged(String level, String... parts) {
        synchronized (log) {
            return log.stream().anyMatch(l -> l.startsWith(level) && Stream.of(parts).allMatch(l::contains));
        }
    }

    @Test
    @Order(1)
    void sayCardAndGetTheLabsCardFromItsTemplateWithTheDataBound() throws Exception {
        String room = router.webex.directRoom("ada@example.com");
        Map<String, Object> reply = answer("ada@example.com", room, "card hello there", 1);
        assertEquals("My Adaptive Card, for Ada (your Webex client cannot show cards)", reply.get("text"),
                "the card's fallbackText, bound, is the text for clients without cards");
        Map<String, Object> card = card(reply);

        // the bound parts
        JsonNode json = RouterHarness.JSON.valueToTree(card);
        assertEquals("For Ada in Ada", json.at("/body/1/text").asText(), "${sender.displayName} in ${room.title}");
        assertEquals("hello there", json.at("/body/2/value").asText(), "${command.args}");
        // without them it is the Webex lab's card
        Map<String, Object> lab = new LinkedHashMap<>(card);
        lab.remove("fallbackText");
        List<Object> body = new ArrayList<>((List<?>) lab.get("body"));
        body.remove(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> input = new LinkedHashMap<>((Map<String, Object>) body.get(1));
        input.remove("value");
        body.set(1, input);
        lab.put("body", body);
        assertEquals(RouterHarness.JSON.readTree(Path.of("src/test/resources/lab-adaptive-card.json").toFile()),
                RouterHarness.JSON.valueToTree(lab));

        // it works as the lab's card: a submit is answered under it
        router.webex.submitCard("ada@example.com", (String) reply.get("id"), Map.of("input_text", "typed"));
        Map<String, Object> submitted = router.webex.awaitBotMessages(room, 2, WAIT).get(1);
        assertEquals(reply.get("id"), submitted.get("parentId"));
        assertTrue(((String) submitted.get("markdown")).contains("typed"), submitted.toString());
    }

    @Test
    @Order(2)
    void aRouteCanBindTheTemplateToDataOfItsOwn() {
        String room = router.webex.directRoom("tasks@example.com");
        Map<String, Object> card = card(answer("tasks@example.com", room, "tasks {\"title\": \"Today\", \"items\": "
                + "[{\"name\": \"write\", \"done\": true}, {\"name\": \"test\", \"done\": false}]}", 1));
        JsonNode json = RouterHarness.JSON.valueToTree(card);
        assertEquals("Today", json.at("/body/0/text").asText());
        assertEquals("FactSet", json.at("/body/1/type").asText(), "$when left out 'Nothing to do'");
        assertEquals("1. write", json.at("/body/1/facts/0/title").asText());
        assertEquals("done", json.at("/body/1/facts/0/value").asText());
        assertEquals("2. test", json.at("/body/1/facts/1/title").asText());
        assertEquals("open", json.at("/body/1/facts/1/value").asText());

        Map<String, Object> empty = card(answer("tasks@example.com", room, "tasks {\"title\": \"Free\", \"items\": []}", 2));
        assertEquals("Nothing to do", RouterHarness.JSON.valueToTree(empty).at("/body/1/text").asText());
    }

    @Test
    @Order(3)
    void whenNoCardCanBeMadeTheAnswerIsPlainTextAndTheLogSaysWhy() {
        String room = router.webex.directRoom("bad@example.com");
        // broken from the start: reported when the service started
        assertTrue(logged("ERROR", "broken-json.json cannot be used", "it is not JSON (line"), log.toString());
        assertTrue(logged("ERROR", "broken-expression.json cannot be used", "an expression does not parse",
                "/body/0/text", "`sender.displayName +`: the expression ends too early"), log.toString());

        String[][] cases = {
                {"showcard nope", "nope", "there is no template nope.json"},
                {"showcard broken-json", "broken-json", "template broken-json.json is broken: it is not JSON"},
                {"showcard broken-expression", "broken-expression", "an expression does not parse"},
                {"showcard not-a-card", "not-a-card", "not an Adaptive Card"},
                {"tasks this is not json", "tasks", "text that is not JSON"},
                {"tasks {\"title\": \"x\", \"items\": " + manyItems(80) + "}", "tasks", "over bot.templates.max-card-bytes (3000)"},
        };
        int n = 0;
        for (String[] c : cases) {
            Map<String, Object> reply = answer("bad@example.com", room, c[0], ++n);
            assertEquals("Sorry, I could not show the card `" + c[1] + "`.", reply.get("markdown"), c[0]);
            assertNull(reply.get("attachments"), "no card for " + c[0]);
            await(c[2]).atMost(WAIT).until(() -> logged("ERROR", "Card template " + c[1] + ": no card was sent", c[2]));
        }
        assertEquals("pong", answer("bad@example.com", room, "ping", ++n).get("markdown"), "the other routes work");
        // the data has no value for a field: written as Microsoft's SDK writes it, and reported
        Map<String, Object> partial = card(answer("bad@example.com", room, "tasks {\"items\": [{\"name\": \"a\"}]}", ++n));
        assertEquals("${title}", RouterHarness.JSON.valueToTree(partial).at("/body/0/text").asText());
        assertTrue(logged("WARN", "Card template tasks: the data has no value for [${title}]"), log.toString());
    }

    private static String manyItems(int count) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            s.append(i > 0 ? "," : "").append("{\"name\": \"item number ").append(i).append("\", \"done\": false}");
        }
        return s.append(']').toString();
    }

    @Test
    @Order(4)
    void anEditedTemplateIsUsedOnceSavedABrokenSaveKeepsTheVersionBefore() throws Exception {
        String room = router.webex.directRoom("editor@example.com");
        Path tasks = templates.resolve("tasks.json");
        String good = Files.readString(tasks);
        String data = " {\"title\": \"T\", \"items\": []}";
        int[] n = {0};

        long saved = System.currentTimeMillis();
        Files.writeString(tasks, good.replace("Nothing to do", "All done, ${title}!"));
        await("the edited template answers").atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() ->
                "All done, T!".equals(RouterHarness.JSON.valueToTree(card(answer("editor@example.com", room, "tasks" + data, ++n[0])))
                        .at("/body/1/text").asText()));
        System.out.printf("CardTemplatesTest: tasks.json saved; its new version answered after %d ms%n",
                System.currentTimeMillis() - saved);
        assertTrue(logged("INFO", "Card template tasks.json reloaded"), log.toString());

        Files.writeString(tasks, good.replace("\"${title}\"", "\"${title + }\""));
        await("the broken save is reported").atMost(WAIT).until(() -> logged("ERROR", "tasks.json was not reloaded",
                "an expression does not parse", "The version loaded before stays in use"));
        assertEquals("All done, T!", RouterHarness.JSON.valueToTree(card(answer("editor@example.com", room, "tasks" + data, ++n[0])))
                .at("/body/1/text").asText(), "the last good version");

        Files.delete(tasks);
        await("the deletion is seen").atMost(WAIT).until(() -> logged("INFO", "tasks.json was deleted"));
        assertEquals("Sorry, I could not show the card `tasks`.",
                answer("editor@example.com", room, "tasks" + data, ++n[0]).get("markdown"));

        Files.writeString(templates.resolve("fresh.json"),
                "{\"type\": \"AdaptiveCard\", \"version\": \"1.2\", \"body\": [{\"type\": \"TextBlock\", \"text\": \"Fresh for ${sender.displayName}\"}]}");
        await("a new template is usable").atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<String, Object> reply = answer("editor@example.com", room, "showcard fresh", ++n[0]);
            return reply.get("attachments") != null
                    && "Fresh for Editor".equals(RouterHarness.JSON.valueToTree(card(reply)).at("/body/0/text").asText());
        });
    }

    @Test
    @Order(5)
    void noBrokenCardWasEverSent() {
        for (Map<String, Object> message : router.webex.messagesBy((String) router.webex.bot().get("id"))) {
            if (message.get("attachments") != null) {
                Map<String, Object> card = card(message);
                assertEquals("AdaptiveCard", card.get("type"), message.toString());
                assertTrue(card.get("body") instanceof List<?>, message.toString());
                assertTrue(!String.valueOf(message.get("text")).isBlank(), "a text fallback: " + message);
            }
        }
    }
}
