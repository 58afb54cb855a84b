package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wbxt.router.ingest.SignatureVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every row of the contract's receiver table, over HTTP against the running service. */
class ReceiverContractTest {
    @RegisterExtension
    static final RouterHarness router = new RouterHarness();

    @Test
    void signedNotificationIsAcceptedAndAnswered() throws Exception {
        String room = router.webex.directRoom("ada@example.com");
        Map<String, Object> message = router.newMessage("ada@example.com", room, "hello router");

        HttpResponse<String> rsp = router.deliver(router.messageCreated(message));

        assertEquals(200, rsp.statusCode(), rsp.body());
        assertEquals("application/json", rsp.headers().firstValue("Content-Type").orElse(""));
        List<Map<String, Object>> replies = router.webex.awaitBotMessages(room, 1, Duration.ofSeconds(10));
        assertTrue(String.valueOf(replies.get(0).get("markdown")).contains("hello router"));
    }

    @Test
    void missingOrWrongSignatureIs401AndNothingIsStored() throws Exception {
        String room = router.webex.directRoom("mallory@example.com");
        Map<String, Object> forged = router.newMessage("mallory@example.com", room, "forged");
        String body = RouterHarness.JSON.writeValueAsString(router.messageCreated(forged));

        HttpResponse<String> unsigned = router.send(post(body).header("Content-Type", "application/json"));
        HttpResponse<String> wrong = router.send(post(body).header("Content-Type", "application/json")
                .header("X-Spark-Signature", router.sign(body + " ")));
        HttpResponse<String> otherSecret = router.send(post(body).header("Content-Type", "application/json")
                .header("X-Spark-Signature", new SignatureVerifier("other").sign(body.getBytes())));

        assertEquals(401, unsigned.statusCode());
        assertEquals(401, wrong.statusCode());
        assertEquals(401, otherSecret.statusCode());
        assertTrue(unsigned.body().contains("\"error\":\"signature\""), unsigned.body());
        // A later valid event of the same room is answered; the forged one, queued before it, would have been first.
        Map<String, Object> valid = router.newMessage("mallory@example.com", room, "signed this time");
        assertEquals(200, router.deliver(router.messageCreated(valid)).statusCode());
        router.webex.awaitBotMessages(room, 1, Duration.ofSeconds(10));
        assertFalse(router.webex.calls().stream().anyMatch(c -> c.path().contains((String) forged.get("id"))),
                "no Webex call for the forged event");
        assertEquals(1, router.botRepliesIn(room).size());
    }

    @Test
    void signatureIsCheckedOverTheRawBytes() throws Exception {
        String room = router.webex.directRoom("raw@example.com");
        Map<String, Object> message = router.newMessage("raw@example.com", room, "héllo, spacing");
        // Odd spacing and key order: a verifier that re-serialises the JSON would compute another HMAC.
        String body = "{ \"data\" : " + RouterHarness.JSON.writeValueAsString(router.messageCreated(message).get("data"))
                + " ,  \"event\":\"created\", \"resource\" :\"messages\", \"actorId\":\"" + message.get("personId") + "\" }";
        assertEquals(200, router.deliver(body).statusCode());
        router.webex.awaitBotMessages(room, 1, Duration.ofSeconds(10));
    }

    @Test
    void notJsonOrNotANotificationIs400WithAShortJsonError() throws Exception {
        for (String body : List.of("not json", "{\"resource\":\"messages\"", "[1,2]", "{}",
                "{\"resource\":\"messages\",\"event\":\"created\"}",
                "{\"resource\":\"messages\",\"event\":\"created\",\"data\":{}}",
                "{\"resource\":\"messages\",\"event\":\"created\",\"data\":{\"id\":42}}",
                "{\"resource\":\"messages\",\"resource\":\"rooms\",\"event\":\"created\",\"data\":{\"id\":\"abc\"}}")) {
            HttpResponse<String> rsp = router.deliver(body);
            assertEquals(400, rsp.statusCode(), body);
            Map<?, ?> error = RouterHarness.JSON.readValue(rsp.body(), Map.class);
            assertTrue(error.containsKey("error") && error.containsKey("message"), rsp.body());
        }
    }

    @Test
    void idsThatAreNotWebexIdsAreRejectedBeforeAnyWebexCall() throws Exception {
        String room = router.webex.directRoom("ids@example.com");
        router.webex.clearCalls();
        for (String id : List.of("../../people/me", "a/b", "abc%2e%2e", "abc?x=1", "abc.def", "a b", "x".repeat(400))) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("id", id);
            data.put("roomId", room);
            HttpResponse<String> rsp = router.deliver(router.envelope("messages", "created", "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9h", data));
            assertEquals(400, rsp.statusCode(), id);
            assertTrue(rsp.body().contains("invalid_id"), rsp.body());
        }
        Map<String, Object> data = new LinkedHashMap<>(Map.of("id", "Y2lzY29zcGFyazovL3VzL01FU1NBR0UvYQ", "roomId", "room/../x"));
        assertEquals(400, router.deliver(router.envelope("messages", "created", "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9h", data)).statusCode());
        // had any been stored, the room's lane would have taken it before the marker
        router.sendMarker("ids@example.com", room);
        String markerId = (String) router.webex.messagesIn(room).get(0).get("id"); // the room's first message
        assertEquals(List.of("/v1/messages/" + markerId), router.webex.calls().stream()
                .filter(c -> c.method().equals("GET") && c.path().startsWith("/v1/messages/")).map(c -> c.path()).toList(),
                "only the marker's message was read: " + router.webex.calls());
        assertTrue(router.webex.calls().stream().noneMatch(c -> c.path().contains("/x")), router.webex.calls().toString());
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        String big = "{\"resource\":\"messages\",\"event\":\"created\",\"data\":{\"id\":\"abc\"},\"pad\":\""
                + "x".repeat(1024 * 1024) + "\"}";
        assertEquals(413, router.deliver(big).statusCode());
    }

    @Test
    void otherMethodsAre405() throws Exception {
        assertEquals(405, router.send(HttpRequest.newBuilder(URI.create(router.webhookUrl())).GET()).statusCode());
        assertEquals(405, router.send(HttpRequest.newBuilder(URI.create(router.webhookUrl()))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json")).statusCode());
        assertEquals(405, router.send(HttpRequest.newBuilder(URI.create(router.webhookUrl())).DELETE()).statusCode());
    }

    @Test
    void otherContentTypesAre415() throws Exception {
        String body = "{\"resource\":\"messages\",\"event\":\"created\",\"data\":{\"id\":\"abc\"}}";
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/xml")) {
            HttpResponse<String> rsp = router.send(post(body).header("Content-Type", type)
                    .header("X-Spark-Signature", router.sign(body)));
            assertEquals(415, rsp.statusCode(), type);
        }
        HttpResponse<String> withCharset = router.send(post(body).header("Content-Type", "application/json; charset=utf-8")
                .header("X-Spark-Signature", router.sign(body + "x")));
        assertEquals(401, withCharset.statusCode(), "JSON with a charset parameter is JSON");
        for (String type : List.of("APPLICATION/JSON", "Application/Json; Charset=UTF-8")) { // media types ignore case
            HttpResponse<String> rsp = router.send(post(body).header("Content-Type", type)
                    .header("X-Spark-Signature", router.sign(body + "x")));
            assertEquals(401, rsp.statusCode(), type + " is JSON: it reaches the signature check");
        }
    }

    @Test
    void sameNotificationDeliveredTwiceIsAnsweredOnce() throws Exception {
        String room = router.webex.directRoom("twice@example.com");
        Map<String, Object> message = router.newMessage("twice@example.com", room, "only once please");
        Map<String, Object> first = router.messageCreated(message);
        Map<String, Object> secondWebhook = new LinkedHashMap<>(first);
        secondWebhook.put("id", "Y2lzY29zcGFyazovL3VzL1dFQkhPT0svYW5vdGhlcg"); // the same event through another webhook

        assertEquals(200, router.deliver(first).statusCode());
        assertEquals(200, router.deliver(first).statusCode());
        assertEquals(200, router.deliver(secondWebhook).statusCode());

        router.webex.awaitBotMessages(room, 1, Duration.ofSeconds(10));
        List<Map<String, Object>> replies = router.sendMarker("twice@example.com", room);
        assertEquals(2, replies.size(), "one reply per distinct message: " + replies);
    }

    @Test
    void noRequestHeaderIsEchoedBack() throws Exception {
        String body = "not json";
        HttpResponse<String> rsp = router.send(post(body).header("Content-Type", "application/json")
                .header("X-Spark-Signature", router.sign(body)).header("X-Probe", "echo-me"));
        assertEquals(400, rsp.statusCode());
        assertTrue(rsp.headers().firstValue("X-Probe").isEmpty());
        assertTrue(rsp.headers().firstValue("X-Spark-Signature").isEmpty());
    }

    private HttpRequest.Builder post(String body) {
        return HttpRequest.newBuilder(URI.create(router.webhookUrl())).POST(HttpRequest.BodyPublishers.ofString(body));
    }
}
