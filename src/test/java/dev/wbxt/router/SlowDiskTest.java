package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.wbxt.router.webex.LogCapture;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

/**
 * Issue 21 item 5, a slow disk under the embedded broker: DATA_DIR is an ext4 filesystem of its own on a loop device
 * ({@link ScratchDisk#loop}), and the kernel's blkio controller (cgroup v1) lets this JVM write to it only
 * {@value #WRITES_PER_SECOND} times a second: every journal sync waits its turn, as on a failing or overcommitted
 * disk. The bound on webhooks awaiting the disk is small by configuration ({@code ingest.max-in-flight}
 * {@value #MAX_IN_FLIGHT}) and {@value #SENDERS} senders deliver at once, so the test does not depend on the
 * machine's speed.
 * <p>
 * Asserted: the throttle did hold writes back; every answer is 200 or {@code 503 busy} with Retry-After, some are
 * refused, and one WARN line says why; readiness stays UP (the broker answers, slowly); once the disk is fast again
 * the refused ones, delivered again, are accepted and one INFO line says webhooks are accepted again; every event is
 * answered once, each room in the order acknowledged; after a restart on the same DATA_DIR the journal opens without
 * a warning and nothing is answered again. The answers' latencies before and during the slow disk are printed.
 */
class SlowDiskTest {
    private static final int WRITES_PER_SECOND = 4;
    private static final int MAX_IN_FLIGHT = 4;
    private static final int SENDERS = 16;
    private static final int MIN_FREE_MB = 32;
    private static final int PER_SENDER = 8;
    private static final Pattern TAG = Pattern.compile("slow-s\\d+-m\\d+");

    private record Answer(int sender, Map<String, Object> message, int status, String body, String retryAfter,
                          long millis) {
    }

    @Test
    void aSlowDiskIs503BusyPastTheInFlightBoundAndLosesNothing() throws Exception {
        RouterHarness router = new RouterHarness(Map.of("ingest.max-in-flight", String.valueOf(MAX_IN_FLIGHT),
                // the loop disk holds 256 MiB: the default floor (512 MB) would refuse every webhook as disk_full
                "ingest.min-free-disk-mb", String.valueOf(MIN_FREE_MB)));
        try (router; LogCapture store = LogCapture.start(Level.INFO, "dev.wbxt.router.ingest.StoreProducer");
             LogCapture artemis = LogCapture.start(Level.WARN, "org.apache.activemq.artemis",
                     "org.apache.activemq.artemis.core.server");
             ScratchDisk disk = ScratchDisk.loop(router.dataDir.toAbsolutePath(), 256)) {
            try {
                slowAndFastAgain(router, disk, store, artemis);
            } finally {
                router.stop(); // before the disk is unmounted
            }
        }
    }

    private void slowAndFastAgain(RouterHarness router, ScratchDisk disk, LogCapture store, LogCapture artemis)
            throws Exception {
        router.start();
        List<String> rooms = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            rooms.add(router.webex.directRoom(email(s)));
        }
        Map<String, List<String>> ackedPerRoom = new ConcurrentHashMap<>();
        List<Answer> before = send(router, rooms, ackedPerRoom, 0, 1, 1); // one at a time: never past the bound

        disk.throttle(ProcessHandle.current().pid(), WRITES_PER_SECOND);
        List<Answer> slow = send(router, rooms, ackedPerRoom, 1, PER_SENDER, SENDERS);
        HttpResponse<String> readyWhileSlow = router.manage("/observe/health/ready");
        long throttled = disk.throttledWrites();
        disk.unthrottle();

        List<Answer> refused = slow.stream().filter(a -> a.status() != 200).toList();
        System.out.printf("[SlowDiskTest] before: %d answers %s, latency p50 %d ms, max %d ms; disk held to %d writes/s "
                        + "(%d writes let through): %d answers %s, acknowledged in p50 %d ms, p99 %d ms, max %d ms; "
                        + "readiness %d%n", before.size(), statuses(before), percentile(before, 50),
                percentile(before, 100), WRITES_PER_SECOND, throttled, slow.size(), statuses(slow),
                percentile(slow, 50), percentile(slow, 99), percentile(slow, 100), readyWhileSlow.statusCode());
        assertTrue(throttled > 0, "the throttle held the journal's writes back");
        assertTrue(before.stream().allMatch(a -> a.status() == 200), "a fast disk takes them all: " + statuses(before));
        for (Answer a : refused) {
            assertEquals(503, a.status(), "only 200 or 503: " + a);
            assertEquals("busy", RouterHarness.errorOf(a.body()), "refused while the disk is slow: " + a);
            assertEquals("10", a.retryAfter(), "a 503 says when to deliver again: " + a);
        }
        assertTrue(!refused.isEmpty(), "more senders than ingest.max-in-flight on a slow disk: some are refused");
        assertTrue(slow.size() > refused.size(), "a slow disk still stores webhooks");
        assertTrue(store.lines.stream().anyMatch(l -> l.startsWith("WARN") && l.contains("503 busy")
                && l.contains("ingest.max-in-flight")), "a line says why: " + store.lines);
        assertEquals(200, readyWhileSlow.statusCode(), "a slow broker is not a broker down: " + readyWhileSlow.body());

        // Webex delivers the refused ones again, each until it is acknowledged, one sender per room as before.
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        List<Future<?>> resends = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            resends.add(pool.submit(() -> {
                for (Answer a : refused) {
                    if (a.sender() == sender) {
                        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                                .until(() -> router.deliver(router.messageCreated(a.message())).statusCode() == 200);
                        acked(ackedPerRoom, rooms.get(sender), a);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : resends) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        // the line of the end comes with a webhook taken a second or more after the last refusal
        List<String> more = router.deliverUntil(email(0), rooms.get(0), "slow-s0-m" + 1_000_000, () -> store.lines
                .stream().anyMatch(l -> l.startsWith("INFO") && l.contains("Accepting webhooks again") && l.contains("busy")));
        ackedPerRoom.get(rooms.get(0)).addAll(more);
        System.out.println("[SlowDiskTest] the service's lines: " + store.lines);
        int total = before.size() + slow.size() + more.size();
        await("every event answered").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> replies(router, rooms).answered() >= total);

        // The journal written on the slow disk opens again, with nothing lost and nothing twice.
        router.stop();
        int warningsBefore = artemis.lines.size();
        router.start();
        for (String room : rooms.subList(0, 4)) {
            router.sendMarker("marker@example.com", room); // a late duplicate would be answered before its marker
        }
        BotReplies outcome = replies(router, rooms);
        List<String> restartWarnings = artemis.lines.subList(warningsBefore, artemis.lines.size());
        System.out.printf("[SlowDiskTest] after a restart: answered %d of %d, %d twice; the broker's warnings at the "
                + "restart: %s%n", outcome.answered(), total, outcome.duplicated(), restartWarnings);
        assertEquals(total, outcome.answered(), "every event answered: " + outcome.missing(ackedPerRoom));
        assertEquals(0, outcome.duplicated(), "answered once: " + outcome.duplicates());
        outcome.assertOrder("SlowDiskTest", ackedPerRoom);
        assertEquals(List.of(), restartWarnings.stream().filter(l -> l.contains("ournal")).toList(),
                "the journal opens without complaint");
    }

    /**
     * Each sender delivers its messages {@code from} to {@code from + count - 1}, one after the other; {@code parallel}
     * senders at a time.
     */
    private static List<Answer> send(RouterHarness router, List<String> rooms, Map<String, List<String>> ackedPerRoom,
                                     int from, int count, int parallel) throws Exception {
        List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        List<Future<?>> senders = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            senders.add(pool.submit(() -> {
                for (int m = from; m < from + count; m++) {
                    Map<String, Object> message = router.webex.postSilently(email(sender), rooms.get(sender),
                            "slow-s" + sender + "-m" + m);
                    long sent = System.nanoTime();
                    HttpResponse<String> rsp = router.deliver(router.messageCreated(message));
                    Answer a = new Answer(sender, message, rsp.statusCode(), rsp.body(),
                            rsp.headers().firstValue("Retry-After").orElse(null),
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
                    answers.add(a);
                    if (a.status() == 200) {
                        acked(ackedPerRoom, rooms.get(sender), a);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : senders) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        return answers;
    }

    private static void acked(Map<String, List<String>> ackedPerRoom, String room, Answer a) {
        ackedPerRoom.computeIfAbsent(room, k -> Collections.synchronizedList(new ArrayList<>()))
                .add((String) a.message().get("text"));
    }

    private static BotReplies replies(RouterHarness router, List<String> rooms) {
        return BotReplies.in(router.webex, rooms, TAG, m -> String.valueOf(m.get("markdown")).contains("marker-"));
    }

    private static Map<String, Long> statuses(List<Answer> answers) {
        return answers.stream().collect(Collectors.groupingBy(a -> a.status() + (a.status() == 200 ? "" : " "
                + RouterHarness.errorOf(a.body())), TreeMap::new, Collectors.counting()));
    }

    /** The p-th percentile of the acknowledged answers' latency, in ms (-1: none). */
    private static long percentile(List<Answer> answers, int p) {
        List<Long> sorted = answers.stream().filter(a -> a.status() == 200).map(Answer::millis).sorted().toList();
        return sorted.isEmpty() ? -1 : sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static String email(int sender) {
        return "slow-" + sender + "@example.com";
    }

}
