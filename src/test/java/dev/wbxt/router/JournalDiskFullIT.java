package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.wbxt.router.simulator.WebexSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 21 item 5, the broker's side of a full disk: the embedded broker's own writes meet ENOSPC. DATA_DIR is a tmpfs
 * of its own ({@link ScratchDisk}) that a filler file fills up; the receiver's floor ({@code INGEST_MIN_FREE_DISK_MB})
 * is 0 here, so that webhooks reach the broker on the full disk (with the floor, the default, the receiver refuses
 * them first, {@link DiskFullTest}; the broker meets the full disk itself when the disk fills faster than the
 * receiver's once-a-second look, or from the service's own writes). Large webhooks (80 KB stored each) make the
 * broker page the queue soon, and a page file that cannot be written is, in Artemis, a critical I/O error after
 * which the broker has stopped for good.
 * <p>
 * Asserted: no 2xx for an event that was not stored (every 200 is answered after the restart), every refusal a 503
 * with Retry-After; the service stops itself with one line naming the error and exits 1 (so that its supervisor
 * starts it again, instead of running unready for ever); started again on the same DATA_DIR once there is room, the
 * journal opens without complaint and the refused webhooks, delivered again, are accepted.
 */
class JournalDiskFullIT {
    private static final Pattern TAG = Pattern.compile("journal-m\\d+");
    private static final String PADDING = "p".repeat(40_000);

    private final List<RouterProcess> processes = new ArrayList<>();
    private WebexSimulator webex;

    @AfterEach
    void end() throws Exception {
        for (RouterProcess process : processes) {
            process.close();
        }
        if (webex != null) {
            webex.close();
        }
    }

    @Test
    void aJournalOnAFullDiskStopsTheServiceWhichStartsAgainOnItWithNothingLost() throws Exception {
        Path dataDir = RouterProcess.freshDir("journal-full");
        try (ScratchDisk disk = ScratchDisk.tmpfs(dataDir, 160)) {
            try {
                fillUnderTheBroker(disk);
            } finally {
                for (RouterProcess process : processes) {
                    process.close(); // before the disk is unmounted
                }
            }
        }
    }

    private void fillUnderTheBroker(ScratchDisk disk) throws Exception {
        webex = WebexSimulator.start(0, RouterHarness.TOKEN);
        int port = RouterProcess.freePort();
        String url = "http://127.0.0.1:" + port + "/api/v1/wbxt/events";
        RouterProcess first = start("JournalDiskFullIT-1", disk.dir, port);
        RouterHarness.registerWebhooks(webex, url);
        String room = webex.directRoom("journal@example.com");
        Map<String, List<String>> acked = new LinkedHashMap<>();
        acked.put(room, new ArrayList<>());
        for (int m = 0; m < 10; m++) {
            String tag = "journal-m" + m;
            assertEquals(200, SignedWebhooks.deliver(url, SignedWebhooks.messageCreated(webex,
                    webex.postSilently("journal@example.com", room, tag))));
            acked.get(room).add(tag);
        }
        await("answered before the disk fills").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> replies(room).answered() >= 10);

        long filler = disk.fill(0);
        System.out.printf("[JournalDiskFullIT] filler of %d MiB written: %d bytes free%n", filler >> 20, disk.freeBytes());
        List<Map<String, Object>> refused = new ArrayList<>();
        Map<String, Integer> statuses = new TreeMap<>();
        // Until the service is gone, but at most 200 answers after the broker failed (503 unavailable: not stored;
        // 0: the stopping service's port closed): each refused one is delivered again after the restart, and they
        // must fit the disk the filler gave back (93 MiB for 80 KB events). On the quiet CI machine the sender met
        // 1,229 of them (625 refused connections while the stopping JVM exited), and their redelivery filled the
        // disk again under the restarted broker (ENOSPC on a page file).
        int afterTheFailure = 0;
        for (int m = 10; first.isAlive() && m < 2_000 && afterTheFailure < 200; m++) {
            String tag = "journal-m" + m;
            Map<String, Object> message = webex.postSilently("journal@example.com", room, tag);
            HttpResponse<String> rsp = SignedWebhooks.post(url, large(message));
            int status = rsp == null ? 0 : rsp.statusCode();
            String answer = status + (status == 503 ? " " + rsp.body().replaceAll(".*\"error\":\"([a-z_]+)\".*", "$1") : "");
            statuses.merge(answer, 1, Integer::sum);
            if (status == 0 || answer.equals("503 unavailable")) {
                afterTheFailure++;
            }
            if (status == 200) {
                acked.get(room).add(tag);
            } else {
                refused.add(message);
                if (status == 503) {
                    assertEquals("10", rsp.headers().firstValue("Retry-After").orElse(""), rsp.body());
                }
            }
        }
        int exit = first.awaitExit(Duration.ofMinutes(2));
        String line = first.stderr().stream().filter(l -> l.startsWith("webex-event-router: ")).findFirst().orElse("");
        System.out.printf("[JournalDiskFullIT] on the full disk: answers %s; the service exited %d: %s%n", statuses, exit,
                line);
        assertEquals(1, exit, "the service stops itself, to be started again: " + first.output());
        assertTrue(line.startsWith("webex-event-router: the embedded broker stopped on an I/O error under "), line);
        assertTrue(statuses.keySet().stream().allMatch(s -> s.equals("200") || s.equals("0") || s.startsWith("503")),
                "only 200, 503 or no answer once the service is gone: " + statuses);

        disk.release();
        RouterProcess second = start("JournalDiskFullIT-2", disk.dir, port); // the supervisor, once there is room
        for (Map<String, Object> message : refused) { // Webex delivers the refused ones again
            String payload = large(message);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> SignedWebhooks.deliver(url, payload) == 200);
            acked.get(room).add((String) message.get("text"));
        }
        int total = acked.get(room).size();
        await("every acknowledged event answered").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> replies(room).answered() >= total);
        BotReplies outcome = replies(room);
        // every warning of the broker's at the start on the journal the full disk left (the folder's name holds
        // "journal": matched on the level and an Artemis code instead)
        // Not complaints: AMQ142018/AMQ142019 are Artemis deleting the temporary file of a journal file it was making
        // when the disk filled (its own recovery, nothing of it was confirmed); AMQ224127 says paging reads wait for
        // acknowledgements (this test's 80 KB events against the 4 MB page read-ahead), not about the journal.
        List<String> journalComplaints = second.output().lines()
                .filter(l -> l.matches(".*\\b(WARN|ERROR)\\b.*\\bAMQ\\d+.*"))
                .filter(l -> !l.matches(".*\\bAMQ(142018|142019|224127)\\b.*")).toList();
        System.out.println("[JournalDiskFullIT] at the restart: " + second.output().lines()
                .filter(l -> l.contains("EmptyPageFolders")).toList());
        List<String> halfLines = Files.readAllLines(disk.dir.resolve("replied-events.log")).stream()
                .filter(l -> !l.matches("-?messages:created:[A-Za-z0-9_-]+")).toList();
        System.out.printf("[JournalDiskFullIT] after the restart: acknowledged %d, answered %d, %d twice%n", total,
                outcome.answered(), outcome.duplicated());
        assertEquals(total, outcome.answered(), "every acknowledged event answered: " + outcome.missing(acked));
        outcome.assertOrder("JournalDiskFullIT", acked);
        assertEquals(List.of(), journalComplaints, "the journal opens without complaint");
        assertEquals(List.of(), halfLines, "the replied-events record holds whole lines only");
    }

    private RouterProcess start(String name, Path dataDir, int port) throws Exception {
        RouterProcess process = RouterProcess.startInProject(name, RouterProcess.env(
                "WEBEX_BOT_TOKEN", RouterHarness.TOKEN,
                "WEBEX_API_URL", webex.apiUrl(),
                "WEBEX_WEBHOOK_SECRET", RouterHarness.SECRET,
                "DATA_DIR", dataDir.toString(),
                "SERVER_PORT", String.valueOf(port),
                "BACKFILL_ENABLED", "false",
                "INGEST_MIN_FREE_DISK_MB", "0"));
        processes.add(process);
        process.awaitHealthy(Duration.ofMinutes(3));
        return process;
    }

    /** The message's webhook with 40,000 more characters (80 KB as the broker stores text): a notification still. */
    @SuppressWarnings("unchecked")
    private String large(Map<String, Object> message) throws Exception {
        Map<String, Object> payload = RouterHarness.JSON.readValue(SignedWebhooks.messageCreated(webex, message), Map.class);
        payload.put("padding", PADDING);
        return RouterHarness.JSON.writeValueAsString(payload);
    }

    private BotReplies replies(String room) {
        return BotReplies.in(webex, List.of(room), TAG);
    }
}
