package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Dead letters an operator can work with: list, show, replay (one, a selection, all), delete; bearer protected. */
class DeadLetterAdminTest {
    private static final String ADMIN = "test-admin-token";
    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    static final RouterHarness router = new RouterHarness(Map.of("admin.token", ADMIN, "processing.max-attempts", "2")).withWebhooks();

    @Test
    void aDeadLetterIsListedShownAndReplayedIntoOneReply() throws Exception {
        String room = router.webex.directRoom("dlq@example.com");
        router.webex.failNext("POST", "/messages", 400, 1, null); // Webex refuses the reply once
        router.webex.say("dlq@example.com", room, "please replay me");

        Map<?, ?> letter = awaitDeadLetter(room);
        assertEquals("wbxt.events.dlq", letter.get("queue"));
        assertEquals("wbxt.events", letter.get("fromQueue"));
        assertEquals("messages", letter.get("resource"));
        assertTrue(((String) letter.get("reason")).contains("400"), letter.toString());
        assertEquals(1, letter.get("attempts"));
        assertNotNull(letter.get("firstFailureAt"));
        assertNotNull(letter.get("lastFailureAt"));

        HttpResponse<String> shown = admin("GET", "/admin/dead-letters/" + letter.get("id"), null);
        assertEquals(200, shown.statusCode());
        Map<?, ?> body = (Map<?, ?>) RouterHarness.JSON.readValue(shown.body(), Map.class).get("body");
        assertEquals(room, ((Map<?, ?>) body.get("data")).get("roomId"), "the original webhook");

        HttpResponse<String> replayed = admin("POST", "/admin/dead-letters/" + letter.get("id") + "/replay", "");
        assertEquals(200, replayed.statusCode(), replayed.body());
        assertTrue(replayed.body().contains("\"replayed\" : 1"), replayed.body());

        List<Map<String, Object>> replies = router.webex.awaitBotMessages(room, 1, WAIT);
        assertTrue(((String) replies.get(0).get("markdown")).endsWith("please replay me"));
        router.awaitIdle();
        assertEquals(1, router.botRepliesIn(room).size(), "replayed once, answered once");
        assertTrue(deadLettersIn(room).isEmpty());
        assertTrue(router.metric("wbxt_dead_letters_replayed_total") >= 1);
    }

    @Test
    void aSelectionOrAllCanBeReplayedAndOneCanBeDeleted() throws Exception {
        String room = router.webex.directRoom("many@example.com");
        router.webex.failNext("POST", "/messages", 403, 3, null);
        for (String text : List.of("a", "b", "c")) {
            router.webex.say("many@example.com", room, text);
        }
        List<Map<?, ?>> letters = await("3 dead letters").atMost(WAIT).until(() -> deadLettersIn(room), l -> l.size() >= 3);
        assertEquals(3, letters.size());

        assertEquals(200, admin("DELETE", "/admin/dead-letters/" + letters.get(0).get("id"), null).statusCode());
        assertEquals(404, admin("GET", "/admin/dead-letters/" + letters.get(0).get("id"), null).statusCode());
        HttpResponse<String> selection = admin("POST", "/admin/dead-letters/replay",
                "{\"ids\":[\"" + letters.get(1).get("id") + "\"]}");
        assertTrue(selection.body().contains("\"replayed\" : 1"), selection.body());
        router.webex.awaitBotMessages(room, 1, WAIT);
        HttpResponse<String> all = admin("POST", "/admin/dead-letters/replay", "{\"all\":true,\"queue\":\"wbxt.events.dlq\"}");
        assertEquals(200, all.statusCode(), all.body());

        router.webex.awaitBotMessages(room, 2, WAIT);
        router.awaitIdle();
        assertEquals(List.of("b", "c"), router.botRepliesIn(room).stream()
                .map(m -> ((String) m.get("markdown")).replaceAll("(?s).*said:\\*\\* ", "")).toList());
        assertTrue(deadLettersIn(room).isEmpty());
    }

    @Test
    void theAdminEndpointsNeedTheBearerToken() throws Exception {
        HttpRequest.Builder list = HttpRequest.newBuilder(URI.create(router.managementUrl() + "/admin/dead-letters")).GET();
        assertEquals(401, router.send(list).statusCode());
        assertEquals(401, router.send(HttpRequest.newBuilder(URI.create(router.managementUrl() + "/admin/dead-letters"))
                .header("Authorization", "Bearer wrong").GET()).statusCode());
        HttpResponse<String> unauthorized = router.send(HttpRequest.newBuilder(URI.create(router.managementUrl()
                + "/admin/dead-letters/replay")).header("Authorization", "Bearer " + ADMIN + "x")
                .POST(HttpRequest.BodyPublishers.ofString("{\"all\":true}")));
        assertEquals(401, unauthorized.statusCode());
        assertTrue(!unauthorized.body().contains(ADMIN), "the token is never echoed");
        // a body is read before the bearer check: the management port limits it as the public port does (1 MiB)
        HttpResponse<String> huge = router.send(HttpRequest.newBuilder(URI.create(router.managementUrl()
                + "/admin/dead-letters/replay")).POST(HttpRequest.BodyPublishers.ofString("x".repeat(2 * 1024 * 1024))));
        assertEquals(413, huge.statusCode(), huge.body());
    }

    @Test
    void badRequestsAreExplained() throws Exception {
        assertEquals(400, admin("GET", "/admin/dead-letters/not-a-uuid'%20OR%201=1", null).statusCode());
        assertEquals(404, admin("GET", "/admin/dead-letters/00000000-0000-0000-0000-000000000000", null).statusCode());
        assertEquals(404, admin("GET", "/admin/dead-letters?queue=wbxt.events", null).statusCode(), "only dead-letter queues");
        assertEquals(400, admin("POST", "/admin/dead-letters/replay", "{}").statusCode());
        assertEquals(400, admin("POST", "/admin/dead-letters/replay", "not json").statusCode());
    }

    @Test
    void withoutAnAdminTokenThereAreNoAdminEndpoints() throws Exception {
        try (RouterHarness plain = new RouterHarness()) {
            plain.start();
            assertEquals(404, plain.send(HttpRequest.newBuilder(URI.create(plain.managementUrl() + "/admin/dead-letters"))
                    .header("Authorization", "Bearer anything").GET()).statusCode());
            // the page is there and says so (DeadLetterPageBrowserTest): it reads that 404
            assertEquals(200, plain.manage("/admin/ui/dead-letters.html").statusCode());
        }
    }

    private Map<?, ?> awaitDeadLetter(String room) {
        return await("a dead letter for room " + room).atMost(WAIT)
                .until(() -> deadLettersIn(room), letters -> !letters.isEmpty()).get(0);
    }

    private List<Map<?, ?>> deadLettersIn(String room) throws Exception {
        HttpResponse<String> rsp = admin("GET", "/admin/dead-letters", null);
        assertEquals(200, rsp.statusCode(), rsp.body());
        List<?> items = (List<?>) RouterHarness.JSON.readValue(rsp.body(), Map.class).get("items");
        return items.stream().<Map<?, ?>>map(i -> (Map<?, ?>) i).filter(i -> room.equals(i.get("roomId"))).toList();
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return router.admin(ADMIN, method, path, body);
    }
}
