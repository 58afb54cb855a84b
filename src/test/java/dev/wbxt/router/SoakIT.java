package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import dev.wbxt.router.simulator.WebexSimulator;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, item 7: the short soak of {@code mvn verify} (the long one is {@code bench/soak.sh}, BENCHMARKS.md
 * "Soak"). The service runs as the README runs it (the launcher, a JVM of its own) against the simulator in this JVM
 * and an HTTP destination ({@code FORWARD_URL}), while events arrive at a fixed rate for 90 seconds and, on a
 * schedule, Webex answers every call 5xx, then 429 with {@code Retry-After}, then the destination is down. Behaviour
 * only: every acknowledged event answered once and forwarded at least once, each room in order, nothing lost or
 * dead-lettered, and after each fault the service caught up and was ready again by itself. RSS, threads and ack
 * latency are printed, never asserted (speed and memory targets live in the benchmarks).
 *
 * <p>The load is an open model across rooms (each event has its time; its latency counts from it) and one sender
 * per room, so a room's events are acknowledged in the order they were sent, the order its answers must keep. An
 * event the service does not acknowledge is delivered again, as Webex does. Longer or faster:
 * {@code -Dsoak.seconds=600 -Dsoak.rate=50 -Dsoak.rooms=40} (defaults 90, 20, 20). The destination's retry delay is
 * capped at 4 s ({@code FORWARD_MAX_RETRY_DELAY_MS}; 5 min by default) as the schedule is compressed: with the
 * default cap, the 1-2-4-8-16-32 s backoff put the first delivery after a 20-s outage 86 s after its end (measured
 * here, 2026-12-07, a shared machine at load 17).
 */
class SoakIT {
    private static final Pattern TAG = Pattern.compile("soak-r\\d+-m\\d+");
    private static final String MARKER = "soak-marker";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final int seconds = Integer.getInteger("soak.seconds", 90);
    private final int rate = Integer.getInteger("soak.rate", 20);
    private final int rooms = Integer.getInteger("soak.rooms", 20);
    private WebexSimulator webex;
    private HttpSink destination;
    private RouterProcess router;
    private ScheduledExecutorService clock;
    private final List<ExecutorService> senders = new ArrayList<>();

    /** A fault window of the schedule, in seconds from the load's start. */
    private record Fault(String kind, double from, double to) {
    }

    /** One sample of the service process: when (s after the load's start), RSS, threads. */
    private record Sample(double at, long rssKb, int threads) {
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (clock != null) {
            clock.shutdownNow();
        }
        senders.forEach(ExecutorService::shutdownNow);
        if (router != null) {
            router.close();
        }
        if (destination != null) {
            destination.close();
        }
        if (webex != null) {
            webex.close();
        }
    }

    @Test
    void underLoadWithWebexAndTheDestinationFailingOnAScheduleNothingIsLostOrAnsweredTwice() throws Exception {
        webex = WebexSimulator.start(0, RouterHarness.TOKEN);
        destination = new HttpSink();
        int port = RouterProcess.freePort();
        String webhookUrl = "http://127.0.0.1:" + port + "/api/v1/wbxt/events";
        Path dataDir = RouterProcess.freshDir("soak");
        router = RouterProcess.startLauncherInProject("SoakIT", RouterProcess.env(
                "WEBEX_BOT_TOKEN", RouterHarness.TOKEN,
                "WEBEX_API_URL", webex.apiUrl(),
                "WEBEX_WEBHOOK_SECRET", RouterHarness.SECRET,
                "DATA_DIR", dataDir.toString(),
                "SERVER_PORT", String.valueOf(port),
                "FORWARD_URL", destination.url(),
                "FORWARD_MAX_RETRY_DELAY_MS", "4000"));
        router.awaitHealthy(Duration.ofSeconds(120));
        router.awaitLine("JVM .*-XX:TieredStopAtLevel=1|JVM .*-Xmx", Duration.ofSeconds(10)); // the launcher's options
        RouterHarness.registerWebhooks(webex, webhookUrl);
        List<String> roomIds = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            roomIds.add(webex.directRoom(user(r)));
        }

        // The schedule of bench/soak.sh (5xx@120+20 429@300+30 outage@420+60 in 10 minutes), compressed into the load
        double s = seconds / 120.0;
        List<Fault> faults = List.of(new Fault("5xx", 15 * s, 25 * s), new Fault("429", 45 * s, 55 * s),
                new Fault("outage", 75 * s, 95 * s));
        int events = seconds * rate;
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long[] latencyNanos = new long[events];
        AtomicInteger acknowledged = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong lastAckNanos = new java.util.concurrent.atomic.AtomicLong();
        AtomicInteger redelivered = new AtomicInteger();
        Map<String, List<String>> ackedPerRoom = new ConcurrentHashMap<>();
        Map<String, String> tagByMessageId = new ConcurrentHashMap<>();
        Map<String, Double> endedAt = new ConcurrentHashMap<>();
        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch allSent = new CountDownLatch(events);
        for (int r = 0; r < rooms; r++) {
            senders.add(Executors.newSingleThreadExecutor()); // one sender per room: its acks come in send order
        }
        clock = Executors.newScheduledThreadPool(2);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        for (int i = 0; i < events; i++) {
            int n = i;
            int r = i % rooms;
            long due = start + i * periodNanos;
            clock.schedule(() -> senders.get(r).submit(() -> {
                try {
                    String tag = "soak-r" + r + "-m" + String.format("%05d", n);
                    WebexSimulator.Delivery d = webex.say(user(r), roomIds.get(r), tag).get(0);
                    tagByMessageId.put(RouterHarness.JSON.readTree(d.payload()).path("data").path("id").asText(), tag);
                    boolean ok = d.status() / 100 == 2;
                    if (!ok) {
                        redelivered.incrementAndGet();
                        ok = redeliverUntilAcknowledged(webhookUrl, d.payload());
                    }
                    latencyNanos[n] = System.nanoTime() - due;
                    lastAckNanos.accumulateAndGet(System.nanoTime(), Math::max);
                    if (ok) {
                        acknowledged.incrementAndGet();
                        ackedPerRoom.computeIfAbsent(roomIds.get(r), k -> Collections.synchronizedList(new ArrayList<>())).add(tag);
                    }
                    return null;
                } finally {
                    allSent.countDown();
                }
            }), due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        for (Fault f : faults) {
            clock.schedule(() -> fault(f.kind(), true), start + secondsToNanos(f.from()) - System.nanoTime(), TimeUnit.NANOSECONDS);
            clock.schedule(() -> {
                fault(f.kind(), false);
                endedAt.put(f.kind(), (System.nanoTime() - start) / 1e9);
            }, start + secondsToNanos(f.to()) - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        clock.scheduleAtFixedRate(() -> samples.add(sample(start)), 0, 10, TimeUnit.SECONDS);

        // After each fault: the events acknowledged until its end are answered (Webex faults) or delivered (the
        // destination's outage), Webex is seen as available, and the service is ready; nobody intervened.
        Map<String, Double> caughtUpAfter = new LinkedHashMap<>();
        for (Fault f : faults) {
            await(f.kind() + " ended").atMost(Duration.ofSeconds(seconds + 60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> endedAt.containsKey(f.kind()));
            Set<String> ackedByThen = acknowledgedTags(ackedPerRoom);
            boolean answers = !f.kind().equals("outage");
            await("caught up after " + f.kind()).atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                    .until(() -> (answers ? replies(roomIds).counts().keySet() : forwardedTags(tagByMessageId).keySet())
                            .containsAll(ackedByThen) && ready() && router.metric("wbxt_webex_available") == 1.0);
            caughtUpAfter.put(f.kind(), (System.nanoTime() - start) / 1e9 - endedAt.get(f.kind()));
        }
        assertTrue(allSent.await(seconds + 120, TimeUnit.SECONDS), "every event sent");
        double loadSeconds = (lastAckNanos.get() - start) / 1e9;

        // The end: every acknowledged event answered and forwarded, then a marker in each room, answered and forwarded
        // after them (a room is processed in order, its deliveries in order): no late duplicate can follow.
        int expected = acknowledged.get();
        try {
            await("every acknowledged event answered and forwarded").atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofMillis(200)).until(() -> replies(roomIds).answered() >= expected
                            && forwardedTags(tagByMessageId).size() >= expected);
            for (int r = 0; r < rooms; r++) {
                WebexSimulator.Delivery d = webex.say(user(r), roomIds.get(r), MARKER).get(0);
                assertEquals(200, d.status(), "the marker is acknowledged");
                tagByMessageId.put(RouterHarness.JSON.readTree(d.payload()).path("data").path("id").asText(), MARKER + r);
            }
            await("a marker answered and forwarded in every room").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200)).until(() -> markersAnswered(roomIds) == rooms
                            && forwardedTags(tagByMessageId).keySet().stream().filter(t -> t.startsWith(MARKER)).count() == rooms);
        } catch (ConditionTimeoutException e) {
            System.out.println("[SoakIT] " + e.getMessage()); // the assertions below say what is missing
        }
        samples.add(sample(start));

        BotReplies outcome = replies(roomIds);
        Map<String, Integer> forwarded = forwardedTags(tagByMessageId);
        List<String> notForwarded = acknowledgedTags(ackedPerRoom).stream().filter(t -> !forwarded.containsKey(t)).sorted().toList();
        long[] sorted = Arrays.copyOf(latencyNanos, events);
        Arrays.sort(sorted);
        System.out.printf("[SoakIT] %d s at %d events/s over %d rooms (%.0f s until the last ack): sent %d, acknowledged %d"
                        + " (%d after a redelivery), answered %d, answered twice %d, forwarded %d (%d more than once);"
                        + " ack latency from the scheduled time p50 %.1f ms, p99 %.1f ms, max %.0f ms%n", seconds, rate,
                rooms, loadSeconds, events, acknowledged.get(), redelivered.get(), outcome.answered(), outcome.duplicated(),
                forwarded.keySet().stream().filter(t -> !t.startsWith(MARKER)).count(),
                forwarded.values().stream().filter(c -> c > 1).count(), ms(sorted, 50), ms(sorted, 99),
                sorted[events - 1] / 1e6);
        System.out.println("[SoakIT] faults " + faults + "; caught up and ready, seconds after each ended: " + caughtUpAfter);
        System.out.println("[SoakIT] the service's RSS (MB) and threads every 10 s: " + samples.stream()
                .map(x -> String.format("%.0fs %d/%d", x.at(), x.rssKb() / 1024, x.threads())).toList());

        assertEquals(events, acknowledged.get(), "every event acknowledged, at the latest after a redelivery");
        assertEquals(expected, outcome.answered(), "every acknowledged event answered: " + outcome.missing(ackedPerRoom));
        assertEquals(0, outcome.duplicated(), "no event answered twice: " + outcome.duplicates());
        outcome.assertOrder("SoakIT", ackedPerRoom);
        assertEquals(List.of(), notForwarded, "every acknowledged event forwarded");
        assertForwardOrder(ackedPerRoom, tagByMessageId);
        assertEquals(0, deadLettered(), "nothing dead-lettered: every fault was one the service waits out");
        // the faults happened: Webex answered calls 5xx and 429, the destination refused deliveries
        List<WebexSimulator.Call> calls = webex.calls();
        assertTrue(calls.stream().anyMatch(c -> c.status() / 100 == 5), "Webex answered 5xx during the 5xx fault");
        assertTrue(calls.stream().anyMatch(c -> c.status() == 429), "Webex answered 429 during the 429 fault");
        assertTrue(destination.attempts().size() > destination.received().size(),
                "the destination refused deliveries during its outage");
        assertTrue(ready(), "the service ready at the end");
    }

    // ---- the faults --------------------------------------------------------------------------------------------

    private void fault(String kind, boolean on) {
        switch (kind) {
            case "5xx" -> { // every Webex call: as a Webex incident looks from outside
                if (on) {
                    webex.failNext(null, "/", 503, Integer.MAX_VALUE, null);
                } else {
                    webex.clearFaults();
                }
            }
            case "429" -> {
                if (on) {
                    webex.failNext(null, "/", 429, Integer.MAX_VALUE, 1);
                } else {
                    webex.clearFaults();
                }
            }
            case "outage" -> destination.failWith(on ? 503 : 0);
            default -> throw new IllegalArgumentException(kind);
        }
    }

    // ---- what the service did ----------------------------------------------------------------------------------

    private BotReplies replies(List<String> roomIds) {
        return BotReplies.in(webex, roomIds, TAG, m -> String.valueOf(m.get("markdown")).endsWith(MARKER));
    }

    private long markersAnswered(List<String> roomIds) {
        String bot = (String) webex.bot().get("id");
        return roomIds.stream().filter(room -> webex.messagesIn(room).stream().anyMatch(m -> bot.equals(m.get("personId"))
                && String.valueOf(m.get("markdown")).endsWith(MARKER))).count();
    }

    /** Each event's tag and how often the destination received it (the CloudEvent id is messages:created:<message id>). */
    private Map<String, Integer> forwardedTags(Map<String, String> tagByMessageId) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String tag : forwardedInOrder(tagByMessageId)) {
            out.merge(tag, 1, Integer::sum);
        }
        return out;
    }

    private List<String> forwardedInOrder(Map<String, String> tagByMessageId) {
        List<String> tags = new ArrayList<>();
        for (HttpSink.Received received : destination.received()) {
            String id = received.headers().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("webhook-id"))
                    .map(h -> h.getValue().get(0)).findFirst().orElse("");
            String tag = tagByMessageId.get(id.substring(id.lastIndexOf(':') + 1));
            if (tag != null) {
                tags.add(tag);
            }
        }
        return tags;
    }

    /** Each room's first deliveries come in the order its events were acknowledged. */
    private void assertForwardOrder(Map<String, List<String>> ackedPerRoom, Map<String, String> tagByMessageId) {
        List<String> firsts = forwardedInOrder(tagByMessageId).stream().distinct().toList();
        Map<String, List<String>> perRoom = new LinkedHashMap<>();
        for (String room : ackedPerRoom.keySet()) {
            Set<String> ofRoom = Set.copyOf(ackedPerRoom.get(room));
            perRoom.put(room, firsts.stream().filter(ofRoom::contains).toList());
        }
        new BotReplies(perRoom).assertOrder("SoakIT forwarded", ackedPerRoom);
    }

    private static Set<String> acknowledgedTags(Map<String, List<String>> ackedPerRoom) {
        Set<String> all = ConcurrentHashMap.newKeySet();
        ackedPerRoom.values().forEach(tags -> {
            synchronized (tags) {
                all.addAll(tags);
            }
        });
        return all;
    }

    private boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(router.managementUrl() + "/observe/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private double deadLettered() throws Exception {
        double total = 0;
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(router.managementUrl() + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String line : metrics.lines().filter(l -> l.startsWith("wbxt_events_dead_lettered_total")).toList()) {
            total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return total;
    }

    private Sample sample(long start) {
        long rss = 0;
        int threads = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(router.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", ""));
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.replaceAll("\\D", ""));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // no /proc (not Linux) or the process is gone: the sample says 0
        }
        return new Sample((System.nanoTime() - start) / 1e9, rss, threads);
    }

    /** Webex delivers a webhook it got no 2xx for again later; here every 200 ms, the same bytes, for up to 60 s. */
    private static boolean redeliverUntilAcknowledged(String webhookUrl, String payload) {
        byte[] body = payload.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String signature = new dev.wbxt.router.ingest.SignatureVerifier(RouterHarness.SECRET).sign(body);
        try {
            await().atMost(Duration.ofSeconds(60)).pollInSameThread().pollInterval(Duration.ofMillis(200)).until(() -> {
                try {
                    return HTTP.send(HttpRequest.newBuilder(URI.create(webhookUrl)).timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json").header("X-Spark-Signature", signature)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private static long secondsToNanos(double seconds) {
        return (long) (seconds * 1e9);
    }

    private static double ms(long[] sorted, double percentile) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(percentile / 100 * (sorted.length - 1)))] / 1e6;
    }

    private static String user(int room) {
        return String.format("soak%02d@example.com", room);
    }
}
