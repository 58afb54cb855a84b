package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import dev.wbxt.router.broker.BrokerLogin;
import dev.wbxt.router.broker.BrokerManagement;
import dev.wbxt.router.broker.CoreMessages;
import dev.wbxt.router.simulator.WebexSimulator;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.utils.UUIDGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12 item 5: two router processes (the jar) share one standalone Artemis 2.44.0 broker ({@link StandaloneArtemis},
 * {@code artemis create} with login required), each with its own port and DATA_DIR, against one Webex simulator in
 * this JVM. Webhooks are posted by the test to the instance it chooses (as a load balancer in front of both would),
 * signed, in the shape Webex sends; a reply is matched to its event by the tag the echo bot repeats.
 * <p>
 * The first test runs on the broker as {@code artemis create} leaves it (max-delivery-attempts 10) and sees the
 * service refuse it; every later test runs after the README's settings are applied. Rounds of the kill test:
 * {@code -Dmulti.rounds=3}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SuppressWarnings("unchecked")
// Above the suite's 5 minutes: two JVMs started beside a broker (84 s for one start at load average 35 on the shared
// 2 cores), and the kill test's 3 rounds each start one again (268 s for that test alone in a passing run).
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class MultiInstanceIT {
    private static final String TOKEN = RouterHarness.TOKEN;
    private static final String SECRET = RouterHarness.SECRET;
    private static final String LOCK = "Holding the lock wbxt.lock.wbxt-webhooks";
    private static final Pattern TAG = Pattern.compile("multi-[a-z]+-\\d+-r\\d+-m\\d+");
    private static final String MARKER = "multi-marker";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private static StandaloneArtemis broker;
    private static WebexSimulator webex;
    private static boolean safe;
    private static final AtomicInteger names = new AtomicInteger();
    private final List<RouterProcess> processes = new ArrayList<>();

    @BeforeAll
    static void world() throws Exception {
        broker = StandaloneArtemis.create("MultiInstanceIT-broker");
        broker.start();
        webex = WebexSimulator.start(0, TOKEN);
    }

    @AfterAll
    static void end() throws Exception {
        if (webex != null) {
            webex.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void stopRouters() throws Exception {
        for (RouterProcess process : processes) {
            process.close();
        }
        webex.clearFaults();
    }

    /** A wrong password, and the broker's default max-delivery-attempts, each stop the start with one clear line. */
    @Test
    @Order(1)
    void anExternalBrokerIsCheckedAtStart() throws Exception {
        String wrong = "not-the-password-" + System.nanoTime();
        Instance refused = new Instance("MultiInstanceIT-wrong-password", RouterProcess.freshDir("multi-wrong"),
                RouterProcess.freePort(), Map.of("BROKER_PASSWORD", wrong));
        assertEquals(1, refused.process.awaitExit(Duration.ofSeconds(90)));
        String stderr = String.join("\n", refused.process.stderr());
        assertTrue(stderr.contains("webex-event-router: the broker at " + broker.url() + " refused the login of user '"
                + StandaloneArtemis.USER + "'"), stderr);
        assertFalse(refused.process.output().contains(wrong), "the password is never written out");

        Instance unsafe = new Instance("MultiInstanceIT-unsafe", RouterProcess.freshDir("multi-unsafe"),
                RouterProcess.freePort(), Map.of());
        assertEquals(1, unsafe.process.awaitExit(Duration.ofSeconds(90)));
        String line = String.join("\n", unsafe.process.stderr());
        assertTrue(line.contains("webex-event-router: the broker's address settings are unsafe for the service: "
                + "max-delivery-attempts is 10 for wbxt.events"), line);
        assertFalse(unsafe.process.output().contains(StandaloneArtemis.PASSWORD), "the password is never written out");
        System.out.println("[MultiInstanceIT] refused at start: " + line.lines().filter(l -> l.startsWith("webex-event-router"))
                .findFirst().orElse(line));
    }

    /**
     * An event posted to either instance is answered once; the same event posted to both is answered once; one
     * registrar, which moves to the survivor after kill -9.
     */
    @Test
    @Order(2)
    void answeredOnceOnEitherAndOneRegistrarThatMoves() throws Exception {
        safeBroker();
        Instance[] pair = startPair("once", Map.of());
        Instance a = pair[0];
        Instance b = pair[1];
        await("one registrar").atMost(Duration.ofSeconds(60))
                .until(() -> a.process.firstLine(LOCK).isPresent() || b.process.firstLine(LOCK).isPresent());
        Instance registrar = a.process.firstLine(LOCK).isPresent() ? a : b;
        Instance other = registrar == a ? b : a;
        assertFalse(other.process.firstLine(LOCK).isPresent(), "exactly one registrar");

        String room = webex.directRoom("once@example.com");
        String toA = post(a, "once@example.com", room, "multi-once-0-r0-m0");
        String toB = post(b, "once@example.com", room, "multi-once-0-r0-m1");
        Map<String, Object> both = webex.postSilently("once@example.com", room, "multi-once-0-r0-m2");
        String payload = payload(both);
        assertEquals(200, deliver(a, payload));
        assertEquals(200, deliver(b, payload));
        List<String> expected = List.of(toA, toB, "multi-once-0-r0-m2");
        BotReplies outcome = awaitAnswers(a, List.of(room), 3);
        assertEquals(Map.of(room, expected), outcome.repliesPerRoom(), "each answered once, in order");

        long killed = System.nanoTime();
        registrar.process.kill();
        registrar.process.awaitExit(Duration.ofSeconds(10));
        other.process.awaitLine(LOCK, Duration.ofSeconds(60));
        long failoverMillis = TimeUnit.NANOSECONDS.toMillis(other.process.firstLine(LOCK).orElseThrow().nanos() - killed);
        System.out.printf("[MultiInstanceIT] one registrar (%s); after its kill -9 the lock moved to %s in %d ms%n",
                registrar.process.name, other.process.name, failoverMillis);
        String after = post(other, "once@example.com", room, "multi-once-0-r0-m3");
        assertEquals(4, awaitAnswers(other, List.of(room), 4).answered(), after + " answered by the survivor");
    }

    /**
     * Under load (40 rooms, both instances), kill -9 one, keep sending to the other: no acknowledged event lost, each
     * room's replies in the order its events were acknowledged, duplicates at most the events in flight at the kill.
     * Several rounds (the killed one comes back on its DATA_DIR), to catch the failover race of issue 12.
     */
    @Test
    @Order(3)
    void killMinus9UnderLoadOnTwoInstances() throws Exception {
        safeBroker();
        int rounds = Integer.getInteger("multi.rounds", 3);
        int rooms = 40;
        int perRoom = 15;
        Instance[] pair = startPair("load", Map.of());
        warmUp(pair, rooms);
        for (int round = 1; round <= rounds; round++) {
            Instance victim = pair[round % 2];
            Instance survivor = pair[(round + 1) % 2];
            List<String> roomIds = new ArrayList<>();
            for (int r = 0; r < rooms; r++) {
                roomIds.add(webex.directRoom("load-" + round + "-" + r + "@example.com"));
            }
            Map<String, List<String>> ackedPerRoom = new ConcurrentHashMap<>();
            AtomicInteger acked = new AtomicInteger();
            AtomicInteger movedOver = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(rooms);
            List<Future<?>> senders = new ArrayList<>();
            long started = System.nanoTime();
            for (int r = 0; r < rooms; r++) {
                int room = r;
                int turn = round;
                senders.add(pool.submit(() -> {
                    String email = "load-" + turn + "-" + room + "@example.com";
                    for (int m = 0; m < perRoom; m++) {
                        String tag = "multi-load-" + turn + "-r" + room + "-m" + m;
                        String payload = payload(webex.postSilently(email, roomIds.get(room), tag));
                        Instance first = pair[(room + m) % 2];
                        // Webex behind a load balancer: a webhook the first instance did not acknowledge goes to the other
                        if (!acknowledged(first, payload)) {
                            movedOver.incrementAndGet();
                            Instance second = first == pair[0] ? pair[1] : pair[0];
                            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                                    .until(() -> acknowledged(second, payload));
                        }
                        acked.incrementAndGet();
                        ackedPerRoom.computeIfAbsent(roomIds.get(room), k -> Collections.synchronizedList(new ArrayList<>()))
                                .add(tag);
                    }
                    return null;
                }));
            }
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(5))
                    .until(() -> acked.get() >= rooms * perRoom / 3);
            int ackedAtKill = acked.get();
            double rate = ackedAtKill / ((System.nanoTime() - started) / 1e9);
            // in flight: stored and not yet done (waiting, or delivered and not acknowledged), as the broker counts
            // them; acknowledged minus answered misses an event answered whose acknowledgement had not reached the
            // broker yet, the very window of a duplicate (a round measured 15 duplicates with that figure at 0)
            int inFlightAtKill;
            try (BrokerManagement management = BrokerManagement.connect(new BrokerLogin(broker.url(),
                    StandaloneArtemis.USER, StandaloneArtemis.PASSWORD))) {
                inFlightAtKill = (int) management.messageCount("wbxt.events");
            }
            victim.process.kill();
            victim.process.awaitExit(Duration.ofSeconds(10));
            for (Future<?> sender : senders) {
                sender.get(180, TimeUnit.SECONDS);
            }
            pool.shutdown();
            BotReplies outcome = awaitAnswers(survivor, roomIds, rooms * perRoom);
            System.out.printf("[MultiInstanceIT] round %d: %.0f events/s over %d rooms until the kill -9 of %s; acknowledged"
                            + " %d (%d moved to the survivor), answered %d, duplicated %d %s, in flight at the kill %d%n",
                    round, rate, rooms, victim.process.name, acked.get(), movedOver.get(), outcome.answered(),
                    outcome.duplicated(), outcome.duplicates(), inFlightAtKill);
            assertEquals(rooms * perRoom, acked.get());
            assertEquals(acked.get(), outcome.answered(), "every acknowledged event answered: " + outcome.missing(ackedPerRoom));
            assertTrue(outcome.duplicated() <= inFlightAtKill, "duplicates at most the events in flight at the kill: "
                    + outcome.duplicates());
            assertOrder(ackedPerRoom, outcome);
            pair[round % 2] = victim.restart();
        }
    }

    /**
     * Issue 21 item 1, the failover race made likely instead of rare. In Artemis 2.44.0 a dead instance's events come
     * back only after its session's transaction is rolled back in the journal ({@code ServerSessionImpl.doClose}:
     * the acknowledgements not yet committed, and then the consumer's delivered events, are returned by
     * {@code afterRollback} once the rollback record is synced), while {@code ServerConsumerImpl.removeItself} frees
     * the consumer's message groups at once: a room's event still waiting in the queue goes to the survivor before
     * the earlier ones it had. Here the victim takes one event at a time ({@code consumerWindowSize=0}, 4 in its
     * lanes) while Webex answers slowly, so the broker holds a backlog of its rooms, and commits its first
     * acknowledgement at once and the next ones 10 minutes later, so they are pending at the kill (a run with a 2 s
     * interval met a kill with none pending: nothing is rolled back then, and the events come back at once). The
     * broker of this test syncs its journal every 200 ms ({@code journal-buffer-timeout}, as a slow disk over the network
     * may take): the window between the two steps is then wide enough to be met, where on the
     * development machine's disk it was met about once in five runs (issue 12), and in none of two runs of this test
     * on the shared broker (3.3 ms). It reports whether the race was met (the survivor's line), and asserts the order.
     */
    @Test
    @Order(6)
    void aDeadInstancesEventsComeBeforeItsRoomsWaitingOnes() throws Exception {
        try (StandaloneArtemis slow = StandaloneArtemis.create("MultiInstanceIT-slow-journal")) {
            // 200 ms: at 50 ms a run on the shared machine (load average 20-25 on 2 cores) did not meet the race
            // (the dead instance's events were back before the survivor was handed its rooms' next ones)
            slow.editBrokerXml("<journal-type>NIO</journal-type>",
                    "<journal-type>NIO</journal-type>\n      <journal-buffer-timeout>200000000</journal-buffer-timeout>");
            slow.applyServiceSettings();
            slow.start();
            backlogOnTheKilledInstance(slow);
        }
    }

    private void backlogOnTheKilledInstance(StandaloneArtemis slow) throws Exception {
        int rooms = 8;
        int perRoom = 10;
        Map<String, String> victimSettings = Map.of("BROKER_URL", slow.url() + "?consumerWindowSize=0",
                "PROCESSING_MAX_IN_FLIGHT", "4", "PROCESSING_ACK_INTERVAL_MS", "600000");
        // the survivor's window well above the journal's 200 ms, so that the test holds on a loaded machine too; the
        // default (500 ms) against a local disk's few ms is the README's "Order across a failover"
        Instance[] pair = startPair("backlog", victimSettings, Map.of("BROKER_URL", slow.url(),
                "PROCESSING_HANDOVER_WINDOW_MS", "2000"));
        Instance victim = pair[0];
        Instance survivor = pair[1];
        List<String> roomIds = new ArrayList<>();
        Map<String, List<String>> ackedPerRoom = new ConcurrentHashMap<>();
        // the rooms' groups are placed while both instances are idle: about half of them on the victim
        for (int r = 0; r < rooms; r++) {
            String room = webex.directRoom("backlog-" + r + "@example.com");
            roomIds.add(room);
            String tag = "multi-backlog-0-r" + r + "-m0";
            post(pair[r % 2], "backlog-" + r + "@example.com", room, tag);
            ackedPerRoom.computeIfAbsent(room, k -> Collections.synchronizedList(new ArrayList<>())).add(tag);
        }
        awaitAnswers(survivor, roomIds, rooms);
        double processedBefore = processed(victim);
        webex.delay("GET", "/messages/", Duration.ofMillis(1000));
        AtomicInteger movedOver = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(rooms);
        List<Future<?>> senders = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            int room = r;
            senders.add(pool.submit(() -> {
                String email = "backlog-" + room + "@example.com";
                for (int m = 1; m <= perRoom; m++) {
                    String tag = "multi-backlog-0-r" + room + "-m" + m;
                    String payload = payload(webex.postSilently(email, roomIds.get(room), tag));
                    Instance first = pair[(room + m) % 2];
                    if (!acknowledged(first, payload)) {
                        movedOver.incrementAndGet();
                        Instance second = first == victim ? survivor : victim;
                        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                                .until(() -> acknowledged(second, payload));
                    }
                    ackedPerRoom.get(roomIds.get(room)).add(tag);
                }
                return null;
            }));
        }
        for (Future<?> sender : senders) {
            sender.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        // the victim has settled a few of its events (their acknowledgements wait for its next commit), not all
        await("the victim settled a few of its backlog").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> processed(victim) >= processedBefore + 3);
        int inFlightAtKill;
        try (BrokerManagement management = BrokerManagement.connect(new BrokerLogin(slow.url(),
                StandaloneArtemis.USER, StandaloneArtemis.PASSWORD))) {
            inFlightAtKill = (int) management.messageCount("wbxt.events");
        }
        // The broker hands a queue's waiting events to a consumer when something wakes its delivery (an event stored,
        // credit from a consumer). With every sender done before the kill, two runs (50 and 200 ms journals) did not
        // meet the race: our reading, the first wake-up after the kill was the dead instance's events coming back.
        // With traffic in a room of its own through the kill, as a live service's other rooms give, it was met.
        String ticker = webex.directRoom("backlog-ticker@example.com");
        AtomicBoolean ticking = new AtomicBoolean(true);
        Thread tick = new Thread(() -> {
            for (int t = 0; ticking.get(); t++) {
                try {
                    deliver(survivor, payload(webex.postSilently("backlog-ticker@example.com", ticker,
                            "multi-backlog-ticker-" + t)));
                    Thread.sleep(20);
                } catch (Exception e) {
                    return;
                }
            }
        }, "backlog-ticker");
        tick.start();
        victim.process.kill();
        victim.process.awaitExit(Duration.ofSeconds(10));
        webex.clearFaults();
        BotReplies outcome;
        try {
            outcome = awaitAnswers(survivor, roomIds, rooms * (perRoom + 1));
        } finally {
            ticking.set(false);
            tick.join(10_000);
        }
        System.out.printf("[MultiInstanceIT] backlog on the killed instance: %d rooms, %d in flight at the kill -9 of %s;"
                        + " answered %d, duplicated %d %s%n", rooms, inFlightAtKill, victim.process.name,
                outcome.answered(), outcome.duplicated(), outcome.duplicates());
        assertEquals(rooms * (perRoom + 1), outcome.answered(), "every acknowledged event answered: "
                + outcome.missing(ackedPerRoom));
        // whether the race was met: the survivor's line for a room whose earlier events came back after its next one.
        // Reported, not asserted: met in 2 of 4 runs of this set-up on the shared machine (3 and 4 rooms; the others
        // none, the dead instance's events back first), so the order below is what the test holds to. The reordering
        // itself, given the broker's arrival order, is LanesTest#aRoomHandedOverIsHeldThenStartedInTheBrokersOrder.
        long reordered = survivor.process.output().lines()
                .filter(l -> l.matches(".*was handed over from another consumer: [1-9].*")).count();
        System.out.printf("[MultiInstanceIT] backlog: the race met in %d of the %d rooms (reordered by the handover"
                + " window)%n", reordered, rooms);
        assertOrder(ackedPerRoom, outcome);
    }

    /**
     * Webex answers 503 far longer than the broker's 10 deliveries would last (an event is tried every 100-200 ms),
     * and one instance is killed during the outage: every acknowledged event is answered once Webex is back, none
     * ends in the broker's DLQ. Meanwhile the depth gauge reads the broker, and the backlog limit answers 503.
     */
    @Test
    @Order(4)
    void webexOutageWithTheExternalBroker() throws Exception {
        safeBroker();
        Instance[] pair = startPair("outage", Map.of("INGEST_MAX_QUEUE_DEPTH", "10"));
        int rooms = 4;
        int events = 16;
        List<String> roomIds = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            roomIds.add(webex.directRoom("outage-" + r + "@example.com"));
        }
        webex.failNext("GET", "/messages/", 503, 1_000_000, null);
        long outageStarted = System.nanoTime();
        Map<String, List<String>> ackedPerRoom = new LinkedHashMap<>();
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            int r = i % rooms;
            String tag = "multi-outage-0-r" + r + "-m" + i;
            String payload = payload(webex.postSilently("outage-" + r + "@example.com", roomIds.get(r), tag));
            if (deliver(pair[i % 2], payload) == 200) {
                ackedPerRoom.computeIfAbsent(roomIds.get(r), k -> new ArrayList<>()).add(tag);
            } else {
                refused.add(payload);
            }
        }
        int acked = ackedPerRoom.values().stream().mapToInt(List::size).sum();
        pair[0].process.awaitLine("failed on attempt 12", Duration.ofSeconds(60));
        String depth = await("the depth gauge reads the broker").atMost(Duration.ofSeconds(30))
                .until(() -> metric(pair[0], "wbxt_queue_depth{queue=\"wbxt.events\""), v -> v != null && !v.contains("NaN"));
        String over = payload(webex.postSilently("outage-0@example.com", roomIds.get(0), "multi-outage-0-r0-m99"));
        int backlogStatus = deliver(pair[1], over);
        pair[0].process.kill(); // its events go back to the broker, a delivery more each
        pair[0].process.awaitExit(Duration.ofSeconds(10));
        pair[1].process.awaitLine("failed on attempt 12", Duration.ofSeconds(60));
        webex.clearFaults();
        long outageMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStarted);
        BotReplies outcome = awaitAnswers(pair[1], roomIds, acked);
        double brokerDlq;
        try (BrokerManagement management = BrokerManagement.connect(new BrokerLogin(broker.url(), StandaloneArtemis.USER,
                StandaloneArtemis.PASSWORD))) {
            brokerDlq = management.messageCount("DLQ");
        }
        System.out.printf("[MultiInstanceIT] Webex 503 for %d ms, one instance killed during it: acknowledged %d, "
                        + "refused %d, gauge %s, a webhook over the backlog limit: %d; answered %d, duplicated %d, in the "
                        + "broker's DLQ %.0f%n", outageMillis, acked, refused.size(), depth, backlogStatus,
                outcome.answered(), outcome.duplicated(), brokerDlq);
        assertEquals(0.0, brokerDlq, "none in the broker's own DLQ");
        assertEquals(acked, outcome.answered(), "every acknowledged event answered: " + outcome.missing(ackedPerRoom));
        assertEquals(503, backlogStatus, "over ingest.max-queue-depth: deliver again later");
        assertOrder(ackedPerRoom, outcome);
    }

    /**
     * What the broker moved to its own DLQ behind the service's back (here put there as Artemis does, with
     * {@code _AMQ_ORIG_QUEUE}) is listed with the service's dead letters, and replayed into one reply.
     */
    @Test
    @Order(5)
    void theBrokersOwnDeadLettersAreListedAndReplayed() throws Exception {
        safeBroker();
        String admin = "admin-" + System.nanoTime();
        Instance[] pair = startPair("brokerdlq", Map.of("ADMIN_TOKEN", admin));
        String room = webex.directRoom("brokerdlq@example.com");
        Map<String, Object> message = webex.postSilently("brokerdlq@example.com", room, "multi-brokerdlq-0-r0-m0");
        BrokerLogin login = new BrokerLogin(broker.url(), StandaloneArtemis.USER, StandaloneArtemis.PASSWORD);
        try (ServerLocator locator = login.locator(); ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = login.session(factory, true, true)) {
            ClientMessage dead = session.createMessage(Message.TEXT_TYPE, true);
            CoreMessages.writeText(dead, payload(message));
            dead.setUserID(UUIDGenerator.getInstance().generateUUID()); // the JMS message id, as the receiver sets it
            dead.putStringProperty("WbxtEventKey", "messages:created:" + message.get("id"));
            dead.putStringProperty("WbxtResource", "messages");
            dead.putStringProperty("WbxtEvent", "created");
            dead.putLongProperty("WbxtReceivedAt", System.currentTimeMillis());
            dead.setGroupID(room);
            dead.putStringProperty("_AMQ_ORIG_QUEUE", "wbxt.events");
            CoreMessages.ensureQueue(session, SimpleString.of("DLQ"));
            session.createProducer("DLQ").send(dead);
        }
        Map<String, Object> listed = RouterHarness.JSON.readValue(admin(pair[1], admin, "GET", "/admin/dead-letters?queue=DLQ")
                .body(), Map.class);
        List<Map<String, Object>> items = (List<Map<String, Object>>) listed.get("items");
        assertEquals(1, items.size(), "the broker's DLQ is listed: " + listed);
        assertEquals("wbxt.events", items.get(0).get("fromQueue"));
        HttpResponse<String> replayed = admin(pair[1], admin, "POST", "/admin/dead-letters/" + items.get(0).get("id") + "/replay");
        assertEquals(200, replayed.statusCode(), replayed.body());
        assertEquals(List.of("multi-brokerdlq-0-r0-m0"), awaitAnswers(pair[1], List.of(room), 1).repliesPerRoom().get(room));
        System.out.println("[MultiInstanceIT] the broker's own DLQ: listed by /admin/dead-letters (" + listed.get("queues")
                + "), replayed, answered once");
    }

    private static HttpResponse<String> admin(Instance to, String token, String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(to.process.managementUrl() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---- the instances -------------------------------------------------------------------------------------

    /** One router process with its own port and DATA_DIR on the shared broker. */
    private final class Instance {
        final String name;
        final Path dataDir;
        final int port;
        final Map<String, String> settings;
        final RouterProcess process;

        Instance(String name, Path dataDir, int port, Map<String, String> settings) throws IOException {
            this.name = name;
            this.dataDir = dataDir;
            this.port = port;
            this.settings = settings;
            Map<String, String> env = RouterProcess.env(
                    "WEBEX_BOT_TOKEN", TOKEN,
                    "WEBEX_API_URL", webex.apiUrl(),
                    "WEBEX_WEBHOOK_SECRET", SECRET,
                    "DATA_DIR", dataDir.toString(),
                    "SERVER_PORT", String.valueOf(port),
                    "BROKER_URL", broker.url(),
                    "BROKER_USERNAME", StandaloneArtemis.USER,
                    "BROKER_PASSWORD", StandaloneArtemis.PASSWORD,
                    "WEBHOOKS_CLUSTER", "broker",
                    "WEBHOOKS_CLUSTER_ACQUIRE_INTERVAL_MS", "1000",
                    "BACKFILL_ENABLED", "false",
                    // Webex may be down for a while: never dead-letter here, and retry soon
                    "PROCESSING_MAX_ATTEMPTS", "1000",
                    "PROCESSING_RETRY_DELAY_MS", "100",
                    "PROCESSING_MAX_RETRY_DELAY_MS", "200",
                    "PROCESSING_OUTAGE_RETRY_DELAY_MS", "200",
                    "WEBEX_CLIENT_MAX_ATTEMPTS", "1");
            env.putAll(settings);
            this.process = RouterProcess.startInProject(name + "-" + names.incrementAndGet(), env);
            processes.add(process);
        }

        Instance healthy() throws Exception {
            // two JVMs starting at once, beside the broker, took 84 s each on the shared 2 cores (load average 35)
            process.awaitHealthy(Duration.ofMinutes(5));
            return this;
        }

        /** The same instance started again on its DATA_DIR and port. */
        Instance restart() throws Exception {
            return new Instance(name, dataDir, port, settings).healthy();
        }

        String webhookUrl() {
            return "http://127.0.0.1:" + port + "/api/v1/wbxt/events";
        }
    }

    private Instance[] startPair(String name, Map<String, String> settings) throws Exception {
        return startPair(name, settings, settings);
    }

    /** Two instances, each with its own settings. */
    private Instance[] startPair(String name, Map<String, String> settingsA, Map<String, String> settingsB)
            throws Exception {
        int portA = RouterProcess.freePort();
        // the registrar keeps Webex's webhooks pointed at the public URL (here: instance a's)
        String target = "http://127.0.0.1:" + portA + "/api/v1/wbxt/events";
        Map<String, String> withTargetA = new LinkedHashMap<>(settingsA);
        withTargetA.put("WEBEX_WEBHOOK_TARGET_URL", target);
        Map<String, String> withTargetB = new LinkedHashMap<>(settingsB);
        withTargetB.put("WEBEX_WEBHOOK_TARGET_URL", target);
        Instance a = new Instance("MultiInstanceIT-" + name + "-a", RouterProcess.freshDir("multi-" + name + "-a"), portA,
                withTargetA);
        Instance b = new Instance("MultiInstanceIT-" + name + "-b", RouterProcess.freshDir("multi-" + name + "-b"),
                RouterProcess.freePort(), withTargetB);
        a.healthy();
        b.healthy();
        await("one registrar").atMost(Duration.ofSeconds(60))
                .until(() -> a.process.firstLine(LOCK).isPresent() || b.process.firstLine(LOCK).isPresent());
        try {
            await("the registrar's webhooks").atMost(Duration.ofSeconds(60))
                    .until(() -> webex.webhooks().stream().anyMatch(w -> "messages".equals(w.get("resource"))));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // what the registrars said: a failed round says why (CI once met this wait with no line to read)
            throw new AssertionError("no webhook registered; the instances' registrar lines:\n"
                    + registrarLines(a) + "\n" + registrarLines(b), e);
        }
        return new Instance[] {a, b};
    }

    private static String registrarLines(Instance i) {
        return i.name + ":\n" + i.process.output().lines().filter(l -> l.contains("egistrar") || l.contains("ebhooks"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /** The README's settings on the broker (once): max-delivery-attempts -1; applied by a restart of the broker. */
    private static synchronized void safeBroker() throws Exception {
        if (!safe) {
            broker.applyServiceSettings();
            broker.restart();
            safe = true;
        }
    }

    /** Both instances compiled their hot paths: 10 events in each of 40 rooms of their own, all answered. */
    private void warmUp(Instance[] pair, int rooms) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(rooms);
        List<Future<?>> sends = new ArrayList<>();
        List<String> roomIds = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            String email = "warm-up-" + r + "@example.com";
            String room = webex.directRoom(email);
            roomIds.add(room);
            int n = r;
            sends.add(pool.submit(() -> {
                for (int m = 0; m < 10; m++) {
                    String payload = payload(webex.postSilently(email, room, "warm-up " + m));
                    Instance to = pair[(n + m) % 2];
                    // a JVM that has just started may take longer than the client's 10 s at first: deliver again
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                            .until(() -> acknowledged(to, payload));
                }
                return null;
            }));
        }
        for (Future<?> f : sends) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        String bot = botId();
        await("the warm-up answered").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() ->
                roomIds.stream().mapToLong(room -> webex.messagesIn(room).stream()
                        .filter(m -> bot.equals(m.get("personId"))).count()).sum() >= rooms * 10L);
    }

    // ---- webhooks -------------------------------------------------------------------------------------------

    /** The user posts {@code text}; its webhook goes to {@code to}, which must acknowledge it. Returns the text. */
    private String post(Instance to, String email, String room, String text) throws Exception {
        assertEquals(200, deliver(to, payload(webex.postSilently(email, room, text))));
        return text;
    }

    /** The messages/created webhook Webex sends for that message, as the simulator's registered webhook has it. */
    private static String payload(Map<String, Object> message) throws IOException {
        return SignedWebhooks.messageCreated(webex, message);
    }

    /** POSTs a signed webhook; the status, or 0 when the instance cannot be reached. */
    private static int deliver(Instance to, String payload) throws InterruptedException {
        return SignedWebhooks.deliver(to.webhookUrl(), payload);
    }

    private static boolean acknowledged(Instance to, String payload) throws InterruptedException {
        return deliver(to, payload) == 200;
    }

    /** The line of {@code /observe/metrics} that starts with {@code prefix}, or null. */
    private static String metric(Instance of, String prefix) throws Exception {
        HttpResponse<String> rsp = HTTP.send(HttpRequest.newBuilder(URI.create(of.process.managementUrl()
                + "/observe/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return rsp.body().lines().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
    }

    /** The events an instance has processed to the end (wbxt_events_processed, every resource and outcome). */
    private static double processed(Instance of) throws Exception {
        HttpResponse<String> rsp = HTTP.send(HttpRequest.newBuilder(URI.create(of.process.managementUrl()
                + "/observe/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return rsp.body().lines().filter(l -> l.startsWith("wbxt_events_processed_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    // ---- the replies ----------------------------------------------------------------------------------------

    /**
     * Waits until {@code expected} distinct events are answered, then for a marker posted in each room through
     * {@code via} (an instance that runs): a room's events are processed in order, so once its marker is answered
     * any late duplicate of an earlier event has been sent.
     */
    private BotReplies awaitAnswers(Instance via, List<String> roomIds, int expected) throws Exception {
        await("answered").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100))
                .until(() -> replies(roomIds).answered() >= expected);
        String marker = MARKER + "-" + names.incrementAndGet();
        for (String room : roomIds) {
            // delivered until acknowledged, as Webex does after a 503: with a queue bound (webexOutage…), the depth
            // the receiver admits on is the broker's figure of up to a second before (BrokerManagement.queueDepth)
            String payload = payload(webex.postSilently("marker@example.com", room, marker));
            await("the marker acknowledged").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> acknowledged(via, payload));
        }
        String bot = botId();
        await("a marker answered in every room").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> roomIds.stream().allMatch(room -> webex.messagesIn(room).stream().anyMatch(m ->
                        bot.equals(m.get("personId")) && isMarkerReply(m))));
        return replies(roomIds);
    }

    private static boolean isMarkerReply(Map<String, Object> message) {
        return String.valueOf(message.get("markdown")).contains(MARKER);
    }

    private BotReplies replies(List<String> roomIds) {
        return BotReplies.in(webex, roomIds, TAG, MultiInstanceIT::isMarkerReply);
    }

    private static void assertOrder(Map<String, List<String>> expectedPerRoom, BotReplies outcome) {
        outcome.assertOrder("MultiInstanceIT", expectedPerRoom);
    }

    private static String botId() {
        return (String) webex.bot().get("id");
    }
}
