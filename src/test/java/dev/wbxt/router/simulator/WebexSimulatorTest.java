package dev.wbxt.router.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebexSimulatorTest {
    private static final String TOKEN = "sim-token-123";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private WebexSimulator sim;
    private HttpServer receiver;
    /** Raw bodies and signatures the receiver got. */
    private final BlockingQueue<String[]> received = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        sim = WebexSimulator.start(0, TOKEN);
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", ex -> {
            byte[] raw = ex.getRequestBody().readAllBytes();
            received.add(new String[]{new String(raw, StandardCharsets.UTF_8),
                    ex.getRequestHeaders().getFirst("X-Spark-Signature"),
                    ex.getRequestHeaders().getFirst("Content-Type"), hmac("s3cret", raw)});
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        sim.close();
        receiver.stop(0);
    }

    private String hookUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    private HttpResponse<String> api(String method, String path, String body, boolean auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.apiUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (auth) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(String json) throws Exception {
        return JSON.readValue(json, Map.class);
    }

    private static String hmac(String secret, byte[] raw) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return HexFormat.of().formatHex(mac.doFinal(raw));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String registerWebhook(String resource, String event, String secret) throws Exception {
        String body = JSON.writeValueAsString(secret == null
                ? Map.of("name", "t", "targetUrl", hookUrl(), "resource", resource, "event", event)
                : Map.of("name", "t", "targetUrl", hookUrl(), "resource", resource, "event", event, "secret", secret));
        HttpResponse<String> rsp = api("POST", "/webhooks", body, true);
        assertEquals(200, rsp.statusCode(), rsp.body());
        return (String) map(rsp.body()).get("id");
    }

    /**
     * A recorded world (a replay's): a bot of the recording's, and people, rooms, messages and card actions loaded as
     * Webex answered them, under their exact ids, answered over HTTP as they were; the bot posts as the recorded bot
     * and may thread under a loaded message.
     */
    @Test
    void answersWhatWasLoadedUnderItsOwnIds() throws Exception {
        Map<String, Object> recordedBot = Map.of("id", "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9yZWNvcmRlZC1ib3Q",
                "emails", List.of("recorded-bot@webex.bot"), "displayName", "Recorded Bot", "type", "bot");
        try (WebexSimulator recorded = WebexSimulator.start(0, TOKEN, recordedBot)) {
            Map<String, Object> person = Map.of("id", "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9hbGljZQ",
                    "emails", List.of("alice@example.com"), "displayName", "Alice", "type", "person");
            Map<String, Object> room = Map.of("id", "Y2lzY29zcGFyazovL3VzL1JPT00vcmVjb3JkZWQ", "title", "Recorded room",
                    "type", "group");
            Map<String, Object> message = Map.of("id", "Y2lzY29zcGFyazovL3VzL01FU1NBR0UvY2FyZA", "roomId", room.get("id"),
                    "text", "the card", "personId", recordedBot.get("id"));
            Map<String, Object> action = Map.of("id", "Y2lzY29zcGFyazovL3VzL0FUVEFDSE1FTlRfQUNUSU9OL3N1Ym1pdA",
                    "type", "submit", "messageId", message.get("id"), "inputs", Map.of("input_text", "hi"));
            recorded.loadPerson(person);
            recorded.loadRoom(room);
            recorded.loadMessage(message);
            recorded.loadAttachmentAction(action);

            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            java.util.function.Function<String, HttpResponse<String>> get = path -> {
                try {
                    return client.send(HttpRequest.newBuilder(URI.create(recorded.apiUrl() + path))
                            .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            assertEquals(recordedBot, map(get.apply("/people/me").body()));
            assertEquals(person, map(get.apply("/people/" + person.get("id")).body()));
            assertEquals(room, map(get.apply("/rooms/" + room.get("id")).body()));
            assertEquals(message, map(get.apply("/messages/" + message.get("id")).body()));
            assertEquals(action, map(get.apply("/attachment/actions/" + action.get("id")).body()));
            assertEquals(person.get("id"), recorded.person("alice@example.com").get("id"), "found by its email too");

            HttpResponse<String> reply = client.send(HttpRequest.newBuilder(URI.create(recorded.apiUrl() + "/messages"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("roomId", room.get("id"),
                            "parentId", message.get("id"), "markdown", "thanks")))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, reply.statusCode(), reply.body());
            assertEquals(recordedBot.get("id"), map(reply.body()).get("personId"));
            assertEquals(message.get("id"), map(reply.body()).get("parentId"));

            assertThrows(IllegalArgumentException.class, () -> recorded.loadRoom(Map.of("title", "no id")));
        }
    }

    @Test
    void restApiAnswersAndErrorsLikeWebex() throws Exception {
        HttpResponse<String> me = api("GET", "/people/me", null, true);
        assertEquals(200, me.statusCode());
        Map<String, Object> bot = map(me.body());
        assertEquals("bot", bot.get("type"));
        assertEquals(List.of("echo-bot@webex.bot"), bot.get("emails"));
        assertTrue(me.headers().firstValue("TrackingId").isPresent());
        String decoded = new String(Base64.getUrlDecoder().decode((String) bot.get("id")), StandardCharsets.UTF_8);
        assertTrue(decoded.startsWith("ciscospark://us/PEOPLE/"), decoded);
        assertFalse(((String) bot.get("id")).contains("="));

        HttpResponse<String> noAuth = api("GET", "/people/me", null, false);
        assertEquals(401, noAuth.statusCode());
        Map<String, Object> err = map(noAuth.body());
        assertNotNull(err.get("message"));
        assertTrue(((String) err.get("trackingId")).startsWith("SIM_"));
        assertEquals(err.get("trackingId"), noAuth.headers().firstValue("TrackingId").orElseThrow());

        assertEquals(404, api("GET", "/messages/" + SimIds.newId("MESSAGE"), null, true).statusCode());
        assertEquals(400, api("POST", "/messages", "{not json", true).statusCode());

        String room = sim.directRoom("bob@example.com");
        Map<String, Object> roomJson = map(api("GET", "/rooms/" + room, null, true).body());
        assertEquals("Bob", roomJson.get("title"));
        assertEquals("direct", roomJson.get("type"));

        String tooLong = "x".repeat(7440);
        assertEquals(400, api("POST", "/messages", JSON.writeValueAsString(Map.of("roomId", room, "text", tooLong)), true).statusCode());
        assertEquals(400, api("POST", "/messages", JSON.writeValueAsString(Map.of("roomId", room, "markdown", "é".repeat(3720))), true).statusCode());
        assertEquals(400, api("POST", "/messages", JSON.writeValueAsString(Map.of("roomId", room, "text", "a",
                "attachments", List.of(Map.of(), Map.of()))), true).statusCode());
        HttpResponse<String> ok = api("POST", "/messages", JSON.writeValueAsString(Map.of("roomId", room, "text", "x".repeat(7439))), true);
        assertEquals(200, ok.statusCode());
        Map<String, Object> posted = map(ok.body());
        assertEquals(bot.get("id"), posted.get("personId"));
        assertEquals(posted, map(api("GET", "/messages/" + posted.get("id"), null, true).body()));

        String group = sim.groupRoom("Team");
        sim.say("carol@example.com", group, "hi bot");
        assertEquals(403, api("GET", "/messages?roomId=" + group, null, true).statusCode());
        Map<String, Object> list = map(api("GET", "/messages?mentionedPeople=me&max=5&roomId=" + group, null, true).body());
        assertEquals(1, ((List<?>) list.get("items")).size());
    }

    @Test
    void firedWebhooksAreSignedOverTheRawBytesAndCarryNoText() throws Exception {
        registerWebhook("messages", "created", "s3cret");
        String room = sim.directRoom("alice@example.com");
        List<WebexSimulator.Delivery> d = sim.say("alice@example.com", room, "hello é");
        assertEquals(1, d.size());
        assertEquals(204, d.get(0).status());
        String[] got = received.poll(5, TimeUnit.SECONDS);
        assertNotNull(got);
        assertEquals(got[3], got[1], "X-Spark-Signature must be hex HMAC-SHA1 of the raw body");
        assertEquals("application/json", got[2]);
        Map<String, Object> env = map(got[0]);
        assertEquals(List.of("id", "name", "targetUrl", "resource", "event", "orgId", "createdBy", "appId", "ownedBy",
                "status", "created", "actorId", "data"), new ArrayList<>(env.keySet()));
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) env.get("data");
        assertEquals(List.of("id", "roomId", "roomType", "personId", "personEmail", "created"), new ArrayList<>(data.keySet()));
        assertEquals("alice@example.com", data.get("personEmail"));
        assertEquals(sim.person("alice@example.com").get("id"), env.get("actorId"));

        // the bot's own message comes back as a webhook too (asynchronously), which is why loop guards exist
        api("POST", "/messages", JSON.writeValueAsString(Map.of("roomId", room, "text", "echo")), true);
        String[] own = received.poll(5, TimeUnit.SECONDS);
        assertNotNull(own);
        @SuppressWarnings("unchecked")
        Map<String, Object> ownData = (Map<String, Object>) map(own[0]).get("data");
        assertEquals("echo-bot@webex.bot", ownData.get("personEmail"));
    }

    @Test
    void cardSubmissionFiresAttachmentActionWithoutInputsAndUnsignedWithoutSecret() throws Exception {
        registerWebhook("attachmentActions", "created", null);
        registerWebhook("messages", "created", null); // must not match
        String room = sim.directRoom("alice@example.com");
        sim.say("alice@example.com", room, "card please");
        received.clear();
        String msgId = (String) sim.messagesIn(room).get(0).get("id");
        List<WebexSimulator.Delivery> d = sim.submitCard("alice@example.com", msgId, Map.of("input_text", "hi"));
        assertEquals(1, d.size());
        String[] got = received.poll(5, TimeUnit.SECONDS);
        assertNull(got[1]);
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) map(got[0]).get("data");
        assertNull(data.get("inputs"));
        Map<String, Object> action = map(api("GET", "/attachment/actions/" + data.get("id"), null, true).body());
        assertEquals(Map.of("input_text", "hi"), action.get("inputs"));
    }

    @Test
    void webhookListIsPagedWithLinkHeadersAndCrudWorks() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(registerWebhook("messages", "created", null));
        }
        List<Object> seen = new ArrayList<>();
        String url = sim.apiUrl() + "/webhooks?max=2";
        int pages = 0;
        while (url != null) {
            HttpResponse<String> rsp = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            pages++;
            ((List<?>) map(rsp.body()).get("items")).forEach(w -> seen.add(((Map<?, ?>) w).get("id")));
            url = rsp.headers().firstValue("Link")
                    .map(l -> l.substring(l.indexOf('<') + 1, l.indexOf('>'))).orElse(null);
        }
        assertEquals(3, pages);
        assertEquals(ids, seen);

        String id = ids.get(0);
        assertEquals(400, api("PUT", "/webhooks/" + id, "{\"name\":\"x\"}", true).statusCode());
        sim.setWebhookStatus(id, "inactive");
        assertEquals("inactive", map(api("GET", "/webhooks/" + id, null, true).body()).get("status"));
        Map<String, Object> put = map(api("PUT", "/webhooks/" + id,
                JSON.writeValueAsString(Map.of("name", "n2", "targetUrl", hookUrl(), "status", "active")), true).body());
        assertEquals("active", put.get("status"));
        assertEquals("n2", put.get("name"));
        assertEquals(204, api("DELETE", "/webhooks/" + id, null, true).statusCode());
        assertEquals(404, api("GET", "/webhooks/" + id, null, true).statusCode());
        assertEquals(400, api("POST", "/webhooks", "{\"name\":\"x\"}", true).statusCode());
    }

    @Test
    void faultsAreInjectedThenCleared() throws Exception {
        sim.failNext("GET", "/people", 429, 2, 3);
        HttpResponse<String> first = api("GET", "/people/me", null, true);
        assertEquals(429, first.statusCode());
        assertEquals("3", first.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("Too Many Requests", map(first.body()).get("message"));
        assertEquals(429, api("GET", "/people/me", null, true).statusCode());
        assertEquals(200, api("GET", "/people/me", null, true).statusCode());
        sim.failNext(null, "/messages", 503, 1, null);
        assertEquals(200, api("GET", "/people/me", null, true).statusCode()); // other paths unaffected
        sim.delay("GET", "/people", Duration.ofMillis(300));
        long t0 = System.nanoTime();
        api("GET", "/people/me", null, true);
        assertTrue(System.nanoTime() - t0 >= 280_000_000L);
        sim.clearFaults();
        String room = sim.directRoom("a@example.com");
        assertEquals(200, api("POST", "/messages", "{\"roomId\":\"" + room + "\",\"text\":\"x\"}", true).statusCode());
        List<WebexSimulator.Call> calls = sim.calls();
        assertEquals("/v1/people/me", calls.get(0).path());
        assertEquals(429, calls.get(0).status());
        assertEquals("POST", calls.get(calls.size() - 1).method());

        // the same through the control endpoint, as a script would
        String control = "http://127.0.0.1:" + sim.port() + "/simulator/faults";
        HttpResponse<String> added = http.send(HttpRequest.newBuilder(URI.create(control)).POST(HttpRequest.BodyPublishers.ofString(
                "{\"method\":\"GET\",\"path\":\"/people\",\"status\":503,\"times\":5}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, added.statusCode(), added.body());
        assertEquals(503, api("GET", "/people/me", null, true).statusCode());
        http.send(HttpRequest.newBuilder(URI.create(control)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, api("GET", "/people/me", null, true).statusCode());
    }

    @Test
    void stopRefusesConnectionsAndRestartKeepsTheStore() throws Exception {
        String room = sim.directRoom("alice@example.com");
        sim.say("alice@example.com", room, "before");
        String msgId = (String) sim.messagesIn(room).get(0).get("id");
        int port = sim.port();
        sim.stop();
        assertThrows(ConnectException.class, () -> api("GET", "/people/me", null, true));
        sim.restart();
        assertEquals(port, sim.port());
        HttpResponse<String> rsp = api("GET", "/messages/" + msgId, null, true);
        assertEquals(200, rsp.statusCode());
        assertEquals("before", map(rsp.body()).get("text"));
    }

    @Test
    void controlEndpointPostsAMessageAndShowsTheBotsReply() throws Exception {
        // a tiny "bot": on each webhook, reply through the REST API (as the router would)
        receiver.createContext("/bot", ex -> {
            byte[] raw = ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, -1);
            ex.close();
            try {
                Map<String, Object> data = (Map<String, Object>) map(new String(raw, StandardCharsets.UTF_8)).get("data");
                if (!"echo-bot@webex.bot".equals(data.get("personEmail"))) {
                    api("POST", "/messages", JSON.writeValueAsString(Map.of("roomId", data.get("roomId"), "text", "echo")), true);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        api("POST", "/webhooks", JSON.writeValueAsString(Map.of("name", "bot", "resource", "messages", "event", "created",
                "targetUrl", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/bot")), true);
        HttpResponse<String> rsp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sim.port() + "/simulator/messages"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hello\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, rsp.statusCode(), rsp.body());
        assertTrue(rsp.body().contains("\n"), "pretty-printed");
        Map<String, Object> out = map(rsp.body());
        assertEquals("hello", ((Map<?, ?>) out.get("message")).get("text"));
        assertEquals("alice@example.com", ((Map<?, ?>) out.get("message")).get("personEmail"));
        assertEquals(200, ((Map<?, ?>) ((List<?>) out.get("deliveries")).get(0)).get("status"));
        List<?> replies = (List<?>) out.get("replies");
        assertEquals(1, replies.size());
        assertEquals("echo", ((Map<?, ?>) replies.get(0)).get("text"));
        assertEquals(1, sim.awaitBotMessages(sim.directRoom("alice@example.com"), 1, Duration.ofSeconds(1)).size());

        HttpResponse<String> calls = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sim.port() + "/simulator/calls"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(calls.body().contains("/v1/messages"));
    }
}
