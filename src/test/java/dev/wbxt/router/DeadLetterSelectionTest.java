package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.wbxt.router.broker.BrokerConnection;
import dev.wbxt.router.broker.CoreMessages;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.utils.UUIDGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the dead-letter page needs of the admin API, over HTTP against the real service, simulator and broker:
 * filters by reason and room, a page at a time with the total and a summary; replay of a selection (an id no longer
 * there is reported, the others replayed), of all a filter selects, of a letter the broker moved itself; delete of a
 * selection; every bad input answered 4xx with a JSON error, and nothing done.
 */
class DeadLetterSelectionTest {
    private static final String ADMIN = "selection-admin-token";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String NOWHERE = "00000000-0000-4000-8000-000000000000";

    @RegisterExtension
    static final RouterHarness router = new RouterHarness(Map.of("admin.token", ADMIN, "processing.max-attempts", "2"))
            .withWebhooks();

    @Test
    void aListingIsFilteredByReasonAndRoomAPageAtATime() throws Exception {
        String roomA = router.webex.directRoom("filter-a@example.com");
        String roomB = router.webex.directRoom("filter-b@example.com");
        Map<?, ?> a1 = deadLetter("filter-a@example.com", roomA, 409, "a1");
        Map<?, ?> a2 = deadLetter("filter-a@example.com", roomA, 409, "a2");
        deadLetter("filter-b@example.com", roomB, 409, "b1");
        deadLetter("filter-b@example.com", roomB, 422, "b2");

        Map<?, ?> ofA = list("reason=" + enc("answered 409") + "&roomId=" + roomA);
        assertEquals(2, ofA.get("total"), ofA.toString());
        assertEquals(List.of(a1.get("id"), a2.get("id")), ids(ofA), "oldest first");
        assertEquals(2, list("roomId=" + roomB).get("total"));
        assertEquals(1, list("roomId=" + roomB + "&reason=" + enc("ANSWERED 422")).get("total"), "any case");

        // the reasons of a room, their tracking ids masked: one kind per failure, each a filter of its own
        List<Map<?, ?>> reasons = rows(list("roomId=" + roomB), "reasons");
        assertEquals(2, reasons.size(), reasons.toString());
        for (Map<?, ?> reason : reasons) {
            String kind = (String) reason.get("reason");
            assertTrue(kind.contains("trackingId=…") && !kind.contains("SIM_"), kind);
            assertEquals(1, reason.get("count"));
            Map<?, ?> ofKind = list("roomId=" + roomB + "&reason=" + enc(kind));
            assertEquals(1, ofKind.get("total"), kind);
        }
        List<Map<?, ?>> rooms = rows(list("reason=" + enc("answered 409")), "rooms");
        assertTrue(rooms.contains(Map.of("roomId", roomA, "count", 2)), rooms.toString());
        assertTrue(rooms.contains(Map.of("roomId", roomB, "count", 1)), rooms.toString());

        // a page at a time: the total stays, the items move on
        Map<?, ?> first = list("roomId=" + roomA + "&limit=1");
        assertEquals(List.of(2, 0, 1), List.of(first.get("total"), first.get("offset"), first.get("count")));
        assertEquals(List.of(a1.get("id")), ids(first));
        assertEquals(List.of(a2.get("id")), ids(list("roomId=" + roomA + "&limit=1&offset=1")));
        assertEquals(0, list("roomId=" + roomA + "&limit=1&offset=2").get("count"));
        Map<?, ?> unpaged = list("queue=wbxt.events.dlq");
        assertEquals(unpaged.get("total"), unpaged.get("count"), "without a limit: every letter, as before");
    }

    @Test
    void aSelectionIsReplayedWithTheIdsNoLongerThereReportedAndAllOfAReasonToo() throws Exception {
        String room = router.webex.directRoom("selection@example.com");
        Map<?, ?> one = deadLetter("selection@example.com", room, 409, "one");
        Map<?, ?> two = deadLetter("selection@example.com", room, 423, "two");
        Map<?, ?> three = deadLetter("selection@example.com", room, 423, "three");

        Map<?, ?> replayed = json(ok("POST", "/admin/dead-letters/replay",
                "{\"ids\":[\"" + one.get("id") + "\",\"" + NOWHERE + "\"]}"));
        assertEquals(Map.of("replayed", 1, "missing", List.of(NOWHERE)), replayed);
        assertEquals(1, router.webex.awaitBotMessages(room, 1, WAIT).size());

        Map<?, ?> ofReason = json(ok("POST", "/admin/dead-letters/replay",
                "{\"all\":true,\"queue\":\"wbxt.events.dlq\",\"reason\":\"answered 423\",\"roomId\":\"" + room + "\"}"));
        assertEquals(Map.of("replayed", 2, "missing", List.of()), ofReason);
        router.webex.awaitBotMessages(room, 3, WAIT);
        router.awaitIdle();
        assertEquals(List.of("one", "two", "three"), router.botRepliesIn(room).stream()
                .map(m -> ((String) m.get("markdown")).replaceAll("(?s).*said:\\*\\* ", "")).toList(),
                "each answered once, the room's letters in their order");
        assertEquals(0, list("roomId=" + room).get("total"));
        assertEquals(404, router.admin(ADMIN, "GET", "/admin/dead-letters/" + two.get("id"), null).statusCode());
        assertEquals(404, router.admin(ADMIN, "POST", "/admin/dead-letters/" + three.get("id") + "/replay", "").statusCode(),
                "one letter no longer there: 404, as always");
    }

    @Test
    void aSelectionIsDeletedForGood() throws Exception {
        String room = router.webex.directRoom("delete@example.com");
        Map<?, ?> keep = deadLetter("delete@example.com", room, 409, "keep");
        Map<?, ?> drop1 = deadLetter("delete@example.com", room, 409, "drop1");
        Map<?, ?> drop2 = deadLetter("delete@example.com", room, 409, "drop2");

        Map<?, ?> deleted = json(ok("POST", "/admin/dead-letters/delete",
                "{\"ids\":[\"" + drop1.get("id") + "\",\"" + NOWHERE + "\",\"" + drop2.get("id") + "\"]}"));
        assertEquals(Map.of("deleted", 2, "missing", List.of(NOWHERE)), deleted);
        assertEquals(List.of(keep.get("id")), ids(list("roomId=" + room)));
        assertEquals(404, router.admin(ADMIN, "DELETE", "/admin/dead-letters/" + drop1.get("id"), null).statusCode());
        List<Map<String, Object>> replies = router.sendMarker("delete@example.com", room);
        assertEquals(1, replies.size(), "a deleted letter is not processed: only the marker is answered " + replies);
    }

    @Test
    void aLetterTheBrokerMovedItselfIsReplayedInASelection() throws Exception {
        String room = router.webex.directRoom("moved@example.com");
        Map<?, ?> ours = deadLetter("moved@example.com", room, 409, "ours");
        Map<String, Object> message = router.newMessage("moved@example.com", room, "the broker's");
        String movedId;
        BrokerConnection broker = router.context().getRegistry().lookupByNameAndType("brokerConnection", BrokerConnection.class);
        try (ServerLocator locator = broker.login().locator(); ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = broker.login().session(factory, true, true)) {
            ClientMessage dead = session.createMessage(Message.TEXT_TYPE, true);
            CoreMessages.writeText(dead, RouterHarness.JSON.writeValueAsString(router.messageCreated(message)));
            dead.setUserID(UUIDGenerator.getInstance().generateUUID()); // the JMS message id, as the receiver sets it
            dead.putStringProperty("WbxtEventKey", "messages:created:" + message.get("id"));
            dead.putStringProperty("WbxtResource", "messages");
            dead.putStringProperty("WbxtEvent", "created");
            dead.setGroupID(room);
            dead.putStringProperty("_AMQ_ORIG_QUEUE", "wbxt.events");
            CoreMessages.ensureQueue(session, SimpleString.of("wbxt.broker.dlq"));
            session.createProducer("wbxt.broker.dlq").send(dead);
            movedId = dead.getUserID().toString();
        }
        List<Map<?, ?>> listed = rows(list("queue=wbxt.broker.dlq&roomId=" + room), "items");
        assertEquals(1, listed.size(), listed.toString());
        assertEquals(movedId, listed.get(0).get("id"));
        assertEquals("moved by the broker to wbxt.broker.dlq", listed.get(0).get("reason"));

        Map<?, ?> replayed = json(ok("POST", "/admin/dead-letters/replay",
                "{\"ids\":[\"" + ours.get("id") + "\",\"" + movedId + "\"]}"));
        assertEquals(Map.of("replayed", 2, "missing", List.of()), replayed);
        router.webex.awaitBotMessages(room, 2, WAIT);
        router.awaitIdle();
        assertEquals(2, router.botRepliesIn(room).size());
        assertEquals(0, list("roomId=" + room).get("total"));
    }

    @Test
    void badInputIsAnsweredWithAClearErrorAndNothingIsDone() throws Exception {
        String room = router.webex.directRoom("bad-input@example.com");
        Map<?, ?> letter = deadLetter("bad-input@example.com", room, 409, "stays");
        String id = (String) letter.get("id");

        assertError(400, "unknown parameter room", "GET", "/admin/dead-letters?room=" + room, null);
        assertError(400, "reason is given twice", "GET", "/admin/dead-letters?reason=a&reason=b", null);
        assertError(400, "roomId is not a Webex id", "GET", "/admin/dead-letters?roomId=" + enc("../../rooms"), null);
        assertError(400, "reason: at most 500", "GET", "/admin/dead-letters?reason=" + "x".repeat(501), null);
        for (String limit : List.of("0", "1001", "-1", "ten", "")) {
            assertError(400, "limit: a whole number from 1 to 1000", "GET", "/admin/dead-letters?limit=" + limit, null);
        }
        assertError(400, "offset: a whole number", "GET", "/admin/dead-letters?offset=-1", null);
        assertError(404, "no dead-letter queue wbxt.events;", "GET", "/admin/dead-letters?queue=wbxt.events", null);

        // a misspelt filter never widens a replay to every letter; a bad id stops the whole selection
        assertError(400, "unknown field reson", "POST", "/admin/dead-letters/replay", "{\"all\":true,\"reson\":\"409\"}");
        assertError(400, "ids[1] is not a dead-letter id", "POST", "/admin/dead-letters/replay",
                "{\"ids\":[\"" + id + "\",\"x' OR 1=1\"]}");
        assertError(400, "ids[0] is not a dead-letter id", "POST", "/admin/dead-letters/replay", "{\"ids\":[42]}");
        assertError(400, "ids: a non-empty list", "POST", "/admin/dead-letters/replay", "{\"ids\":[]}");
        assertError(400, "ids: a non-empty list", "POST", "/admin/dead-letters/replay", "{\"ids\":\"" + id + "\"}");
        assertError(400, "go with {\"all\": true}", "POST", "/admin/dead-letters/replay",
                "{\"ids\":[\"" + id + "\"],\"reason\":\"409\"}");
        assertError(400, "give {\"ids\": [...]} or {\"all\": true}", "POST", "/admin/dead-letters/replay",
                "{\"all\":true,\"ids\":[\"" + id + "\"]}");
        assertError(400, "give {\"ids\": [...]} or {\"all\": true}", "POST", "/admin/dead-letters/replay", "{\"all\":\"true\"}");
        assertError(400, "queue must be a string", "POST", "/admin/dead-letters/replay", "{\"all\":true,\"queue\":5}");
        assertError(400, "roomId is not a Webex id", "POST", "/admin/dead-letters/replay", "{\"all\":true,\"roomId\":\"a/b\"}");
        assertError(404, "no dead-letter queue nope", "POST", "/admin/dead-letters/replay", "{\"all\":true,\"queue\":\"nope\"}");
        assertError(400, "the body is not a JSON object", "POST", "/admin/dead-letters/delete", "[\"" + id + "\"]");
        assertError(400, "unknown field all", "POST", "/admin/dead-letters/delete", "{\"all\":true}");
        assertError(400, "ids[1] is not a dead-letter id", "POST", "/admin/dead-letters/delete", "{\"ids\":[\"" + id + "\",null]}");
        assertError(400, "ids: a non-empty list", "POST", "/admin/dead-letters/delete", "{}");
        assertError(404, "no dead letter " + NOWHERE, "POST", "/admin/dead-letters/" + NOWHERE + "/replay", "");
        assertError(404, "no dead letter " + NOWHERE, "DELETE", "/admin/dead-letters/" + NOWHERE, null);

        // without the token (or with a wrong one) the new endpoints are refused like the others
        for (String token : new String[] {null, ADMIN + "x"}) {
            HttpRequest.Builder delete = HttpRequest.newBuilder(URI.create(router.managementUrl() + "/admin/dead-letters/delete"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"ids\":[\"" + id + "\"]}"));
            HttpResponse<String> refused = router.send(token == null ? delete : delete.header("Authorization", "Bearer " + token));
            assertEquals(401, refused.statusCode(), refused.body());
            assertEquals("unauthorized", json(refused).get("error"));
            assertTrue(((String) json(refused).get("message")).contains("Authorization: Bearer"), refused.body());
        }

        assertEquals(List.of(id), ids(list("roomId=" + room)), "the letter is still there, untouched");
        router.awaitIdle();
        assertTrue(router.botRepliesIn(room).isEmpty(), "and it was not replayed");
    }

    @Test
    void thePageIsStaticFilesServedWithoutTheTokenThatHoldNoData() throws Exception {
        String room = router.webex.directRoom("page@example.com");
        Map<?, ?> letter = deadLetter("page@example.com", room, 409, "not in the page");
        for (String file : List.of("dead-letters.html", "dead-letters.js", "dead-letters.css")) {
            HttpResponse<String> rsp = router.manage("/admin/ui/" + file);
            assertEquals(200, rsp.statusCode(), file);
            assertTrue(rsp.headers().firstValue("Content-Type").orElse("").startsWith(
                    file.endsWith(".html") ? "text/html" : file.endsWith(".js") ? "text/javascript" : "text/css"), file);
            String csp = rsp.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), csp);
            assertEquals("nosniff", rsp.headers().firstValue("X-Content-Type-Options").orElse(""));
            assertFalse(rsp.body().contains((String) letter.get("id")) || rsp.body().contains(room), "no data in " + file);
            assertFalse(rsp.body().contains("http://") || rsp.body().contains("https://"), "nothing from another host: " + file);
        }
        assertFalse(router.manage("/admin/ui/dead-letters.html").body().contains("<script>"), "no inline script");
        for (String path : List.of("/admin/ui/nothing.html", "/admin/ui/..%2Fdead-letters", "/admin/ui/dead-letters.HTML",
                "/admin/ui/log4j2.properties")) {
            assertEquals(404, router.manage(path).statusCode(), path);
        }
    }

    /** A webhook whose reply Webex refuses once with that status: dead-lettered at once (a 4xx), returned when listed. */
    private Map<?, ?> deadLetter(String email, String room, int status, String text) throws Exception {
        int before = rows(list("roomId=" + room), "items").size();
        router.webex.failNext("POST", "/messages", status, 1, null);
        router.webex.say(email, room, text);
        List<Map<?, ?>> letters = await("a dead letter for " + text).atMost(WAIT)
                .until(() -> rows(list("roomId=" + room), "items"), l -> l.size() > before);
        Map<?, ?> letter = letters.get(letters.size() - 1);
        assertTrue(((String) letter.get("reason")).contains("answered " + status), letter.toString());
        return letter;
    }

    private static Map<?, ?> list(String query) throws Exception {
        return json(ok("GET", "/admin/dead-letters?" + query, null));
    }

    private static HttpResponse<String> ok(String method, String path, String body) throws Exception {
        HttpResponse<String> rsp = router.admin(ADMIN, method, path, body);
        assertEquals(200, rsp.statusCode(), method + " " + path + ": " + rsp.body());
        return rsp;
    }

    private static void assertError(int status, String message, String method, String path, String body) throws Exception {
        HttpResponse<String> rsp = router.admin(ADMIN, method, path, body);
        assertEquals(status, rsp.statusCode(), method + " " + path + " " + body + ": " + rsp.body());
        assertEquals("application/json", rsp.headers().firstValue("Content-Type").orElse(""));
        Map<?, ?> error = json(rsp);
        assertEquals(status == 404 ? "not_found" : "bad_request", error.get("error"), rsp.body());
        assertTrue(((String) error.get("message")).contains(message), "'" + message + "' in " + rsp.body());
        assertFalse(rsp.body().contains(ADMIN), "the token is never echoed");
    }

    private static Map<?, ?> json(HttpResponse<String> rsp) throws Exception {
        return RouterHarness.JSON.readValue(rsp.body(), Map.class);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<?, ?>> rows(Map<?, ?> listing, String field) {
        return (List<Map<?, ?>>) listing.get(field);
    }

    private static List<Object> ids(Map<?, ?> listing) {
        return rows(listing, "items").stream().<Object>map(item -> item.get("id")).toList();
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
