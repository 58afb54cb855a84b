package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.wbxt.router.simulator.WebexSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 21 item 4: the service on an external broker ({@link StandaloneArtemis}, a real Artemis 2.44.0), which is
 * stopped and started again while several senders deliver webhooks, twice: a clean stop (SIGTERM), then
 * {@code kill -9}. Asserted each time: no 2xx for a webhook sent while the broker was down (503 with Retry-After);
 * readiness DOWN while it is down and UP again after, without any help; webhooks accepted again once it is back; the
 * registrar's lock held again; and in the end every acknowledged event answered exactly once, each room in the order
 * its events were acknowledged (at their first delivery), and forwarded to the downstream system (FORWARD_URL) at
 * least once.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES) // a safety net only: each wait is on an event
class BrokerRestartIT {
    private static final String LOCK = "Holding the lock wbxt.lock.wbxt-webhooks";
    private static final Pattern TAG = Pattern.compile("restart-[a-z]+-s\\d+-m\\d+");
    private static final int SENDERS = 4;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private StandaloneArtemis broker;
    private WebexSimulator webex;
    private HttpSink downstream;
    private RouterProcess router;
    private String webhookUrl;

    /** One delivery and its answer; {@code status} 0: no answer. */
    private record Answer(int sender, Map<String, Object> message, int status, String retryAfter, long sentNanos,
                          long answeredNanos) {
    }

    @BeforeEach
    void world() throws Exception {
        broker = StandaloneArtemis.create("BrokerRestartIT-broker");
        broker.applyServiceSettings();
        broker.start();
        webex = WebexSimulator.start(0, RouterHarness.TOKEN);
        downstream = new HttpSink();
    }

    @AfterEach
    void end() throws Exception {
        if (router != null) {
            router.close();
        }
        downstream.close();
        webex.close();
        broker.close();
    }

    @Test
    void theBrokerStoppedAndKilledUnderLoadLosesNothingAndTheServiceReconnectsByItself() throws Exception {
        int port = RouterProcess.freePort();
        webhookUrl = "http://127.0.0.1:" + port + "/api/v1/wbxt/events";
        Path dataDir = RouterProcess.freshDir("broker-restart");
        router = RouterProcess.startInProject("BrokerRestartIT", RouterProcess.env(
                "WEBEX_BOT_TOKEN", RouterHarness.TOKEN,
                "WEBEX_API_URL", webex.apiUrl(),
                "WEBEX_WEBHOOK_SECRET", RouterHarness.SECRET,
                "WEBEX_WEBHOOK_TARGET_URL", webhookUrl,
                "DATA_DIR", dataDir.toString(),
                "SERVER_PORT", String.valueOf(port),
                "BROKER_URL", broker.url(),
                "BROKER_USERNAME", StandaloneArtemis.USER,
                "BROKER_PASSWORD", StandaloneArtemis.PASSWORD,
                "WEBHOOKS_CLUSTER", "broker",
                "WEBHOOKS_CLUSTER_ACQUIRE_INTERVAL_MS", "1000",
                "BACKFILL_ENABLED", "false",
                "FORWARD_URL", downstream.url(),
                "PROCESSING_RETRY_DELAY_MS", "100",
                "PROCESSING_MAX_RETRY_DELAY_MS", "500"));
        router.awaitHealthy(Duration.ofMinutes(5));
        router.awaitLine(LOCK, Duration.ofSeconds(60));
        await("the registrar's webhooks").atMost(Duration.ofSeconds(60))
                .until(() -> webex.webhooks().stream().anyMatch(w -> "messages".equals(w.get("resource"))));
        List<String> rooms = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            rooms.add(webex.directRoom(email(s)));
        }
        Map<String, List<String>> ackedPerRoom = new ConcurrentHashMap<>();
        List<Map<String, Object>> acked = Collections.synchronizedList(new ArrayList<>());

        for (String how : List.of("sigterm", "kill")) {
            round(how, rooms, ackedPerRoom, acked);
        }

        int total = acked.size();
        await("every acknowledged event answered").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> replies(rooms).answered() >= total);
        for (String room : rooms) { // a room's events run in order: after its marker, no late duplicate can come
            assertEquals(200, SignedWebhooks.deliver(webhookUrl, SignedWebhooks.messageCreated(webex,
                    webex.postSilently("marker@example.com", room, "restart-marker"))));
        }
        String bot = (String) webex.bot().get("id");
        await("a marker answered in every room").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> rooms.stream().allMatch(room -> webex.messagesIn(room).stream().anyMatch(m ->
                        bot.equals(m.get("personId")) && String.valueOf(m.get("markdown")).contains("restart-marker"))));
        BotReplies outcome = replies(rooms);
        List<String> notForwarded = acked.stream().map(m -> (String) m.get("id"))
                .filter(id -> downstream.received().stream().noneMatch(r -> r.body().contains(id))).toList();
        System.out.printf("[BrokerRestartIT] acknowledged %d, answered %d, %d twice, forwarded %d CloudEvents (%d "
                + "acknowledged not forwarded)%n", total, outcome.answered(), outcome.duplicated(),
                downstream.received().size(), notForwarded.size());
        assertEquals(total, outcome.answered(), "every acknowledged event answered: " + outcome.missing(ackedPerRoom));
        assertEquals(0, outcome.duplicated(), "answered once: " + outcome.duplicates());
        outcome.assertOrder("BrokerRestartIT", ackedPerRoom);
        await("every acknowledged event forwarded").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> acked.stream().map(m -> (String) m.get("id"))
                        .allMatch(id -> downstream.received().stream().anyMatch(r -> r.body().contains(id))));
        assertTrue(router.isAlive(), "the service ran through both outages");
    }

    /** Senders deliver while the broker is stopped ({@code sigterm}) or killed ({@code kill}) and started again. */
    private void round(String how, List<String> rooms, Map<String, List<String>> ackedPerRoom,
                       List<Map<String, Object>> acked) throws Exception {
        List<Answer> answers = new CopyOnWriteArrayList<>(); // read while the senders add
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        List<Future<?>> senders = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            senders.add(pool.submit(() -> {
                for (int m = 0; !stop.get(); m++) {
                    Map<String, Object> message = webex.postSilently(email(sender), rooms.get(sender),
                            "restart-" + how + "-s" + sender + "-m" + m);
                    String payload = SignedWebhooks.messageCreated(webex, message);
                    long sent = System.nanoTime();
                    HttpResponse<String> rsp = SignedWebhooks.post(webhookUrl, payload);
                    answers.add(new Answer(sender, message, rsp == null ? 0 : rsp.statusCode(),
                            rsp == null ? null : rsp.headers().firstValue("Retry-After").orElse(null), sent,
                            System.nanoTime()));
                    if (rsp == null || rsp.statusCode() != 200) {
                        // Webex would wait Retry-After (10 s); this sender goes on with its next message after 1 s,
                        // so that an outage of tens of seconds leaves tens of refused webhooks to deliver again
                        Thread.sleep(1000);
                    }
                }
                return null;
            }));
        }
        await("acknowledged before the broker goes").atMost(Duration.ofSeconds(60))
                .until(() -> answers.stream().filter(a -> a.status() == 200).count() >= 30);
        int locksBefore = lockLines();
        if (how.equals("kill")) {
            broker.kill();
        } else {
            broker.stop();
        }
        long down = System.nanoTime();
        await("readiness DOWN while the broker is down").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).until(() -> ready() == 503);
        long notReadyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down);
        await("webhooks answered while the broker is down").atMost(Duration.ofSeconds(60))
                .until(() -> answers.stream().filter(a -> a.sentNanos() > down).count() >= 40);
        broker.start();
        long up = System.nanoTime();
        await("readiness UP by itself").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> ready() == 200);
        long readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - up);
        await("webhooks accepted again by themselves").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> answers.stream().anyMatch(a -> a.sentNanos() > up && a.status() == 200));
        long acceptedMillis = TimeUnit.NANOSECONDS.toMillis(answers.stream().filter(a -> a.sentNanos() > up
                && a.status() == 200).mapToLong(Answer::answeredNanos).min().orElseThrow() - up);
        await("the registrar's lock held again").atMost(Duration.ofSeconds(60)).until(() -> lockLines() > locksBefore);
        stop.set(true);
        for (Future<?> f : senders) {
            f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();

        Map<String, Long> perStatus = answers.stream().collect(Collectors.groupingBy(a -> a.status()
                + (a.sentNanos() > down && a.answeredNanos() < up ? " while down" : ""), TreeMap::new,
                Collectors.counting()));
        System.out.printf("[BrokerRestartIT] %s: answers %s; readiness DOWN %d ms after the broker went, UP %d ms after "
                + "it was back, a webhook accepted %d ms after%n", how, perStatus, notReadyMillis, readyMillis,
                acceptedMillis);
        for (Answer a : answers) {
            if (a.sentNanos() > down && a.answeredNanos() < up) {
                assertTrue(a.status() != 200, "no 2xx while the broker is down: " + a);
            }
            if (a.status() != 200) {
                assertEquals(503, a.status(), "a webhook not stored is answered 503: " + a);
                assertEquals("10", a.retryAfter(), "a 503 says when to deliver again: " + a);
            }
        }
        // The room's order is asserted for the events acknowledged at their first delivery: a 503 may have been
        // answered for an event the broker had stored (its commit's answer lost with the connection), which then
        // comes in its stored place, before its later delivery is acknowledged as a duplicate.
        for (Answer a : answers) {
            if (a.status() == 200) {
                ackedPerRoom.computeIfAbsent(rooms.get(a.sender()), k -> Collections.synchronizedList(new ArrayList<>()))
                        .add((String) a.message().get("text"));
                acked.add(a.message());
            }
        }
        // Webex delivers the refused ones again, each until it is acknowledged: one sender per room, as before.
        ExecutorService again = Executors.newFixedThreadPool(SENDERS);
        List<Future<?>> resenders = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            resenders.add(again.submit(() -> {
                for (Answer a : answers) {
                    if (a.sender() == sender && a.status() != 200) {
                        String payload = SignedWebhooks.messageCreated(webex, a.message());
                        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                                .until(() -> SignedWebhooks.deliver(webhookUrl, payload) == 200);
                        acked.add(a.message());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : resenders) {
            f.get(5, TimeUnit.MINUTES);
        }
        again.shutdown();
    }

    private int lockLines() {
        return (int) router.lines().stream().filter(l -> l.text().contains(LOCK)).count();
    }

    private int ready() throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(router.managementUrl() + "/observe/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException noAnswer) {
            return 0;
        }
    }

    private BotReplies replies(List<String> rooms) {
        return BotReplies.in(webex, rooms, TAG, m -> String.valueOf(m.get("markdown")).contains("restart-marker"));
    }

    private static String email(int sender) {
        return "restart-" + sender + "@example.com";
    }
}
