package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.wbxt.router.simulator.WebexSimulator;
import org.junit.jupiter.api.Test;

/** Two jar processes sharing a cluster folder: one registrar; it moves when the leader dies. And the operators' command. */
class WebhookRegistrarIT {
    // generous: two services start at once on cores shared with other builds (load average 48 measured: > 60 s)
    private static final Duration START = Duration.ofSeconds(180);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOKEN = "it-bot-token";
    private static final String SECRET = "it-secret";

    @Test
    void onlyOneInstanceReconcilesAndAnotherTakesOverWhenItDies() throws Exception {
        try (WebexSimulator webex = WebexSimulator.start(0, TOKEN)) {
            Path cluster = RouterProcess.freshDir("cluster");
            String target = "https://bot.example/api/v1/wbxt/events";
            List<RouterProcess> all = new ArrayList<>();
            for (String name : List.of("registrar-a", "registrar-b")) {
                all.add(RouterProcess.startInProject(name, RouterProcess.env(
                        "WEBEX_BOT_TOKEN", TOKEN, "WEBEX_API_URL", webex.apiUrl(), "WEBEX_WEBHOOK_SECRET", SECRET,
                        "SERVER_PORT", String.valueOf(RouterProcess.freePort()),
                        "DATA_DIR", RouterProcess.freshDir(name).toString(),
                        "WEBEX_WEBHOOK_TARGET_URL", target, "WEBHOOKS_CLUSTER_ROOT", cluster.toString(),
                        "WEBHOOKS_WATCHDOG_INTERVAL_MS", "300", "WEBHOOKS_REACTIVATE_AFTER_MS", "0",
                        "WEBHOOKS_CLUSTER_ACQUIRE_INTERVAL_MS", "500", "WEBHOOKS_CLUSTER_ACQUIRE_DELAY_MS", "100")));
            }
            try {
                for (RouterProcess p : all) {
                    p.awaitLine("Apache Camel .* started", START);
                }
                RouterProcess leader = awaitLeader(all, WAIT);
                RouterProcess follower = all.get(0) == leader ? all.get(1) : all.get(0);
                // several watchdog rounds (each lists the webhooks): a follower that also ran one would have said so
                long listed = webhookLists(webex);
                await("3 watchdog rounds").atMost(WAIT).until(() -> webhookLists(webex) >= listed + 3);
                assertFalse(follower.firstLine("this instance leads").isPresent(), "only one registrar");
                assertEquals(2, webex.webhooks().size(), "one webhook per resource, no race duplicates");

                leader.kill();
                follower.awaitLine("this instance leads", WAIT);
                String id = (String) webex.webhooks().get(0).get("id");
                webex.setWebhookStatus(id, "inactive");
                await("the new registrar runs the watchdog").atMost(WAIT)
                        .until(() -> "active".equals(webex.webhooks().get(0).get("status")));
            } finally {
                for (RouterProcess p : all) {
                    p.close();
                }
            }
        }
    }

    @Test
    void theWebhooksCommandListsSyncsAndDeletes() throws Exception {
        try (WebexSimulator webex = WebexSimulator.start(0, TOKEN)) {
            String target = "https://ops.example/hook";
            String sync = command(webex, "sync", "--target", target);
            assertTrue(sync.contains("\"created\" : [ \""), sync);
            assertEquals(2, webex.webhooks().size());
            String list = command(webex, "list");
            assertTrue(list.contains(target) && list.contains("\"***\"") && !list.contains(SECRET), list);
            String deleted = command(webex, "delete", "--target", target);
            assertTrue(deleted.contains("\"deleted\""), deleted);
            assertEquals(0, webex.webhooks().size());
        }
    }

    private static String command(WebexSimulator webex, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", RouterProcess.JAR.toString(), "webhooks"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(RouterProcess.BASEDIR.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("WEBEX_") || k.startsWith("WEBHOOKS_"));
        pb.environment().putAll(Map.of("WEBEX_BOT_TOKEN", TOKEN, "WEBEX_API_URL", webex.apiUrl(), "WEBEX_WEBHOOK_SECRET", SECRET));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out + err);
        return out;
    }

    private static RouterProcess awaitLeader(List<RouterProcess> all, Duration timeout) {
        return await("a registrar elected").atMost(timeout)
                .until(() -> all.stream().filter(p -> p.firstLine("this instance leads").isPresent()).findFirst(),
                        Optional::isPresent).orElseThrow();
    }

    private static long webhookLists(WebexSimulator webex) {
        return webex.calls().stream().filter(c -> "GET".equals(c.method()) && c.path().startsWith("/v1/webhooks")).count();
    }
}
