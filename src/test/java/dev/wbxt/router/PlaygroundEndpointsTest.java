package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The playground over plain HTTP: its files, and the /simulator endpoints the page polls, against the real bot. */
class PlaygroundEndpointsTest {
    @RegisterExtension
    static final RouterHarness router = new RouterHarness().withWebhooks();
    private final String sim = "http://127.0.0.1:" + router.webex.port();

    @Test
    void servesThePageAndItsFilesOnlyFromThePlaygroundFolder() throws Exception {
        HttpResponse<String> root = get("/");
        assertEquals(302, root.statusCode());
        assertEquals("/playground/", root.headers().firstValue("Location").orElse(""));
        assertEquals(sim + "/playground/", router.webex.playgroundUrl());

        HttpResponse<String> page = get("/playground/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("<title>Webex playground"), page.body());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
        for (String file : List.of("playground.js", "markdown.js", "cards.js")) {
            HttpResponse<String> js = get("/playground/" + file);
            assertEquals(200, js.statusCode(), file);
            assertEquals("text/javascript;charset=UTF-8", js.headers().firstValue("Content-Type").orElse(""), file);
            assertFalse(js.body().contains("http://") || js.body().contains("https://"), file + " must fetch nothing from elsewhere");
        }
        assertEquals("text/css;charset=UTF-8", get("/playground/playground.css").headers().firstValue("Content-Type").orElse(""));

        for (String missing : List.of("/playground/nothing.js", "/playground/../application.properties",
                "/playground/%2e%2e/log4j2.properties", "/playground/log4j2.properties", "/elsewhere")) {
            assertEquals(404, get(missing).statusCode(), missing);
        }
        assertEquals(405, router.send(HttpRequest.newBuilder(URI.create(sim + "/playground/"))
                .POST(HttpRequest.BodyPublishers.ofString(""))).statusCode());
        assertEquals(401, get("/v1/people/me").statusCode(), "/v1 is still the REST API (a token is needed)");
    }

    @Test
    void roomsPeopleMessagesDeliveriesAndCallsForThePage() throws Exception {
        JsonNode group = post("/simulator/rooms", Map.of("title", "Playground group"));
        assertEquals("group", group.path("type").asText());
        assertEquals(group.path("id").asText(), post("/simulator/rooms", Map.of("title", "Playground group")).path("id").asText());
        JsonNode direct = post("/simulator/rooms", Map.of("email", "pat@example.com"));
        assertEquals("direct", direct.path("type").asText());
        assertEquals("Pat", direct.path("title").asText());
        assertEquals(400, router.send(HttpRequest.newBuilder(URI.create(sim + "/simulator/rooms"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode());

        String rooms = getJson("/simulator/rooms").toString();
        assertTrue(rooms.contains(group.path("id").asText()) && rooms.contains(direct.path("id").asText()), rooms);
        String people = getJson("/simulator/people").toString();
        assertTrue(people.contains("pat@example.com") && people.contains("echo-bot@webex.bot"), people);

        long deliveriesBefore = lastSeq(getJson("/simulator/deliveries?after=0"));
        int callsBefore = getJson("/simulator/calls").path("next").asInt();

        JsonNode said = post("/simulator/messages", Map.of("from", "pat@example.com", "room", direct.path("id").asText(),
                "text", "hello playground"));
        String helloId = said.path("message").path("id").asText();
        assertEquals(1, said.path("replies").size(), said.toString());

        String roomId = direct.path("id").asText();
        JsonNode all = getJson("/simulator/messages?roomId=" + roomId).path("items");
        assertEquals(2, all.size(), all.toString());
        JsonNode later = getJson("/simulator/messages?roomId=" + roomId + "&after=" + helloId).path("items");
        assertEquals(1, later.size(), later.toString());
        assertEquals("echo-bot@webex.bot", later.path(0).path("personEmail").asText());

        JsonNode deliveries = awaitDeliveries(deliveriesBefore, 2); // pat's message, then the bot's own reply
        JsonNode first = deliveries.path(0);
        assertEquals(200, first.path("status").asInt(), first.toString());
        JsonNode payload = RouterHarness.JSON.readTree(first.path("payload").asText());
        assertEquals("messages", payload.path("resource").asText());
        assertEquals(helloId, payload.path("data").path("id").asText());
        assertEquals(0, getJson("/simulator/deliveries?after=" + lastSeq(deliveries)).path("items").size());

        JsonNode calls = getJson("/simulator/calls?after=" + callsBefore);
        String made = calls.path("items").toString();
        assertTrue(made.contains("\"method\":\"POST\",\"path\":\"/v1/messages\""), made);
        assertTrue(made.contains("/v1/messages/" + helloId), made);
        assertEquals(0, getJson("/simulator/calls?after=" + calls.path("next").asInt()).path("items").size());
        assertTrue(getJson("/simulator/calls?after=999999").path("items").size() > 0, "a cleared log starts again at 0");
    }

    private JsonNode awaitDeliveries(long after, int count) {
        return await(count + " deliveries after " + after).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> getJson("/simulator/deliveries?after=" + after).path("items"), items -> items.size() >= count);
    }

    private static long lastSeq(JsonNode deliveries) {
        JsonNode items = deliveries.has("items") ? deliveries.path("items") : deliveries;
        return items.isEmpty() ? 0 : items.path(items.size() - 1).path("seq").asLong();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return router.send(HttpRequest.newBuilder(URI.create(sim + path)).GET());
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> rsp = get(path);
        assertEquals(200, rsp.statusCode(), path + ": " + rsp.body());
        return RouterHarness.JSON.readTree(rsp.body());
    }

    private JsonNode post(String path, Map<String, Object> body) throws Exception {
        HttpResponse<String> rsp = router.send(HttpRequest.newBuilder(URI.create(sim + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(RouterHarness.JSON.writeValueAsString(body))));
        assertEquals(200, rsp.statusCode(), path + ": " + rsp.body());
        return RouterHarness.JSON.readTree(rsp.body());
    }
}
