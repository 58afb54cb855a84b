package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import dev.wbxt.router.webex.LogCapture;

/** Reconciliation at start-up, the admin endpoints, the watchdog (5-minute rule, shortened) and the backfill. */
class WebhookLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String ADMIN = "test-admin-token";
    private static final String ELSEWHERE = "https://elsewhere.example/hook";

    private static Map<String, String> settings(int port, Map<String, String> extra) {
        Map<String, String> s = new LinkedHashMap<>(Map.of(
                "server.port", String.valueOf(port),
                "webex.webhook-target-url", target(port),
                "admin.token", ADMIN,
                "webhooks.list-page-size", "2",
                "webhooks.cluster", "standalone", // the election is WebhookRegistrarIT's subject (two processes)
                "webhooks.watchdog-interval-ms", "600000"));
        s.putAll(extra);
        return s;
    }

    private static String target(int port) {
        return "http://127.0.0.1:" + port + "/api/v1/wbxt/events";
    }

    private static Map<?, ?> createWebhook(RouterHarness r, String name, String target, String resource, String secret)
            throws Exception {
        HttpResponse<String> rsp = r.send(HttpRequest.newBuilder(URI.create(r.webex.apiUrl() + "/webhooks"))
                .header("Authorization", "Bearer " + RouterHarness.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(RouterHarness.JSON.writeValueAsString(Map.of("name", name,
                        "targetUrl", target, "resource", resource, "event", "created", "secret", secret)))));
        return RouterHarness.JSON.readValue(rsp.body(), Map.class);
    }

    private static List<Map<String, Object>> webhooksFor(RouterHarness r, String target) {
        return r.webex.webhooks().stream().filter(w -> target.equals(w.get("targetUrl"))).toList();
    }

    @Test
    void startUpMakesExactlyOneActiveWebhookPerResourceAndLeavesOtherTargetsAlone() throws Exception {
        int port = RouterProcess.freePort();
        try (RouterHarness r = new RouterHarness(settings(port, Map.of("bot.greeting.enabled", "true",
                "webhooks.reactivate-after-ms", "0", "webhooks.watchdog-interval-ms", "600000")))) {
            String mine = target(port);
            Map<?, ?> other = createWebhook(r, "someone else's", ELSEWHERE, "messages", "their-secret");
            Map<?, ?> inactive = createWebhook(r, "old name", mine, "messages", "old-secret");
            r.webex.setWebhookStatus((String) inactive.get("id"), "inactive");
            Map<?, ?> cards1 = createWebhook(r, "webex-event-router attachmentActions/created", mine, "attachmentActions", "old-secret");
            createWebhook(r, "webex-event-router attachmentActions/created", mine, "attachmentActions", RouterHarness.SECRET);

            r.start();
            await("4 webhooks for the target").atMost(WAIT).until(() -> webhooksFor(r, mine).size() == 4
                    && uncheckedGet(r).contains("wbxt_webhooks_reconciled_total{action=\"created\"} 2.0"));

            String metrics = r.manage("/observe/metrics").body();
            // figures: 2 created (memberships created/deleted), 1 reactivated (messages, name and secret fixed in the
            // same PUT), 1 updated (the attachmentActions webhook with the old secret), 1 duplicate deleted
            assertTrue(metrics.contains("wbxt_webhooks_reconciled_total{action=\"reactivated\"} 1.0"), metrics);
            assertTrue(metrics.contains("wbxt_webhooks_reconciled_total{action=\"updated\"} 1.0"), metrics);
            assertTrue(metrics.contains("wbxt_webhooks_reconciled_total{action=\"deleted\"} 1.0"), metrics);
            for (Map<String, Object> w : webhooksFor(r, mine)) {
                assertEquals("active", w.get("status"), w.toString());
                assertEquals(RouterHarness.SECRET, w.get("secret"));
                assertEquals("webex-event-router " + w.get("resource") + "/" + w.get("event"), w.get("name"));
            }
            assertEquals(List.of("attachmentActions/created", "memberships/created", "memberships/deleted", "messages/created"),
                    webhooksFor(r, mine).stream().map(w -> w.get("resource") + "/" + w.get("event")).sorted().toList());
            assertEquals(cards1.get("id"), webhooksFor(r, mine).stream().filter(w -> "attachmentActions".equals(w.get("resource")))
                    .findFirst().orElseThrow().get("id"), "the first one is kept (updated), the duplicate deleted");
            assertEquals(List.of(other), webhooksFor(r, ELSEWHERE).stream().map(w -> (Object) w).toList(), "untouched");
            assertTrue(r.webex.calls().stream().anyMatch(c -> c.path().startsWith("/v1/webhooks?max=2&after=")),
                    "the list followed the Link pages");

            // the webhooks work: a user is answered
            String room = r.webex.directRoom("after-sync@example.com");
            r.webex.say("after-sync@example.com", room, "ping");
            assertEquals("pong", r.webex.awaitBotMessages(room, 1, Duration.ofSeconds(10)).get(0).get("markdown"));

            // admin: list (secrets masked), sync (nothing left to do), delete by target (only that target)
            HttpRequest.Builder list = HttpRequest.newBuilder(URI.create(r.managementUrl() + "/admin/webhooks"));
            assertEquals(401, r.send(list.copy().GET()).statusCode());
            String listed = r.send(list.copy().header("Authorization", "Bearer " + ADMIN).GET()).body();
            assertTrue(listed.contains("\"secret\" : \"***\"") && !listed.contains(RouterHarness.SECRET), listed);
            Map<?, ?> sync = RouterHarness.JSON.readValue(r.send(HttpRequest.newBuilder(URI.create(r.managementUrl() + "/admin/webhooks/sync"))
                    .header("Authorization", "Bearer " + ADMIN).POST(HttpRequest.BodyPublishers.noBody())).body(), Map.class);
            assertEquals(List.of(), sync.get("created"));
            assertEquals(List.of(), sync.get("updated"));
            assertEquals(List.of(), sync.get("deleted"));
            assertEquals(400, r.send(HttpRequest.newBuilder(URI.create(r.managementUrl() + "/admin/webhooks"))
                    .header("Authorization", "Bearer " + ADMIN).DELETE()).statusCode());
            HttpResponse<String> deleted = r.send(HttpRequest.newBuilder(URI.create(r.managementUrl() + "/admin/webhooks?target="
                    + java.net.URLEncoder.encode(ELSEWHERE, "UTF-8"))).header("Authorization", "Bearer " + ADMIN).DELETE());
            assertEquals(200, deleted.statusCode(), deleted.body());
            assertEquals(0, webhooksFor(r, ELSEWHERE).size());
            assertEquals(4, webhooksFor(r, mine).size());
        }
    }

    /**
     * A start-up round that fails (Webex answers 503 to the list, the client tries once) is tried again soon, not a
     * watchdog interval later: with an interval of ten minutes the webhooks still appear, and the WARN line says when
     * the next round runs.
     */
    @Test
    void aFailedStartUpRoundIsTriedAgainSoon() throws Exception {
        int port = RouterProcess.freePort();
        try (LogCapture logs = LogCapture.start(Level.WARN, "dev.wbxt.router.webhooks");
             RouterHarness r = new RouterHarness(settings(port, Map.of("webex.client.max-attempts", "1")))) {
            String mine = target(port);
            r.webex.failNext("GET", "/webhooks", 503, 2, null);
            r.start();
            await("the webhooks, after two failed rounds").atMost(WAIT).until(() -> webhooksFor(r, mine).size() == 2);
            assertTrue(logs.lines.stream().anyMatch(l -> l.contains("Webhook registrar: this round failed, next one in")),
                    String.join("\n", logs.lines));
        }
    }

    @Test
    void theWatchdogReactivatesAnInactiveWebhookAfterTheWaitAndBackfillsWhatWasMissed() throws Exception {
        int port = RouterProcess.freePort();
        try (RouterHarness r = new RouterHarness(settings(port, Map.of("webhooks.watchdog-interval-ms", "200",
                "webhooks.reactivate-after-ms", "2000")))) {
            String mine = target(port);
            r.start();
            await("2 webhooks").atMost(WAIT).until(() -> webhooksFor(r, mine).size() == 2);
            String room = r.webex.directRoom("watch@example.com");
            r.webex.say("watch@example.com", room, "ping");
            assertEquals(1, r.webex.awaitBotMessages(room, 1, Duration.ofSeconds(10)).size());
            r.awaitIdle();

            String messagesHook = (String) webhooksFor(r, mine).stream().filter(w -> "messages".equals(w.get("resource")))
                    .findFirst().orElseThrow().get("id");
            r.webex.setWebhookStatus(messagesHook, "inactive");
            long disabledAt = System.currentTimeMillis();
            r.webex.say("watch@example.com", room, "whoami"); // not delivered: the webhook is inactive
            await("the inactive metric").atMost(WAIT).until(() -> uncheckedGet(r).contains("wbxt_webhooks_inactive_total 1.0"));
            assertEquals("inactive", r.webex.webhooks().stream().filter(w -> messagesHook.equals(w.get("id")))
                    .findFirst().orElseThrow().get("status"), "not re-enabled at once");
            await("reactivation").atMost(WAIT).until(() -> "active".equals(r.webex.webhooks().stream()
                    .filter(w -> messagesHook.equals(w.get("id"))).findFirst().orElseThrow().get("status")));
            assertTrue(System.currentTimeMillis() - disabledAt >= 2000, "waited webhooks.reactivate-after-ms");

            List<Map<String, Object>> replies = r.webex.awaitBotMessages(room, 2, Duration.ofSeconds(10));
            assertTrue(String.valueOf(replies.get(1).get("markdown")).startsWith("You are **Watch**"), replies.toString());
            // a marker after them in the same room: once it is answered, anything queued before it was processed
            r.webex.say("watch@example.com", room, "marker");
            List<Map<String, Object>> all = r.webex.awaitBotMessages(room, 3, Duration.ofSeconds(10));
            assertTrue(String.valueOf(all.get(all.size() - 1).get("markdown")).endsWith("marker"), all.toString());
            assertEquals(3, r.botRepliesIn(room).size(), "the backfill answered the missed message once, the other not again");
        }
    }

    @Test
    void afterADowntimeMissedMessagesAreAnsweredOnceInDirectAndGroupRooms() throws Exception {
        int port = RouterProcess.freePort();
        try (RouterHarness r = new RouterHarness(settings(port, Map.of("webhooks.watchdog-interval-ms", "600000")))) {
            String mine = target(port);
            r.start();
            await("2 webhooks").atMost(WAIT).until(() -> webhooksFor(r, mine).size() == 2);
            String direct = r.webex.directRoom("down@example.com");
            String group = r.webex.groupRoom("Downtime group");
            r.webex.say("down@example.com", direct, "ping");
            r.webex.awaitBotMessages(direct, 1, Duration.ofSeconds(10));
            r.awaitIdle();
            r.stop();

            r.webex.postSilently("down@example.com", direct, "whoami");     // Webex could not deliver: service down
            r.webex.postSilently("grp@example.com", group, "Echo ping");

            r.start();
            List<Map<String, Object>> directReplies = r.webex.awaitBotMessages(direct, 2, Duration.ofSeconds(15));
            assertTrue(String.valueOf(directReplies.get(1).get("markdown")).startsWith("You are **Down**"), directReplies.toString());
            assertEquals("pong", r.webex.awaitBotMessages(group, 1, Duration.ofSeconds(15)).get(0).get("markdown"));
            assertTrue(r.webex.calls().stream().anyMatch(c -> c.path().contains("mentionedPeople=me")),
                    "group rooms are listed with mentionedPeople=me");
            // markers after the backfill in both rooms: once answered, anything the backfill queued was processed
            r.webex.say("down@example.com", direct, "marker");
            r.webex.say("grp@example.com", group, "Echo ping");
            List<Map<String, Object>> directAll = r.webex.awaitBotMessages(direct, 3, Duration.ofSeconds(10));
            assertTrue(String.valueOf(directAll.get(2).get("markdown")).endsWith("marker"), directAll.toString());
            r.webex.awaitBotMessages(group, 2, Duration.ofSeconds(10));
            assertEquals(3, r.botRepliesIn(direct).size(), "the message answered before the stop is not answered again");
            assertEquals(2, r.botRepliesIn(group).size(), "the missed group message answered once");
        }
    }

    private static String uncheckedGet(RouterHarness r) {
        try {
            return r.manage("/observe/metrics").body();
        } catch (Exception e) {
            return "";
        }
    }
}
