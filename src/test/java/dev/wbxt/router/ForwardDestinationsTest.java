package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import dev.wbxt.router.processing.DeadLetterPolicy;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Forwarding to several destinations (src/test/resources/forward/test-destinations.yaml) and to the broker topic,
 * end to end: real HTTP sinks on loopback, the real embedded broker opened on a TCP port, subscribers over
 * AMQP 1.0 (Qpid JMS) and the Artemis core protocol, users talking to the bot through the simulator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ForwardDestinationsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String NEW_SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "a new 32-byte key for the sinks!".getBytes(StandardCharsets.UTF_8));
    /** Without the whsec_ prefix: still base64, decoded as the official libraries decode it. */
    private static final String OLD_SECRET = Base64.getEncoder().encodeToString(
            "the old 24-byte key, kept".getBytes(StandardCharsets.UTF_8));
    private static final String USER = "enterprise";
    private static final String PASSWORD = "topic-reader-password";

    private final HttpSink a = sink();
    private final HttpSink b = sink();
    private final HttpSink urgent = sink();
    private final HttpSink dead = sink();
    private final HttpSink limited = sink();
    private final List<String> amqpReceived = new CopyOnWriteArrayList<>();
    private final List<String> coreReceived = new CopyOnWriteArrayList<>();
    private final List<Connection> subscribers = new ArrayList<>();
    private int brokerPort;
    private RouterHarness router;
    private int eventsSent;

    private static HttpSink sink() {
        try {
            return new HttpSink();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    void start() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            brokerPort = free.getLocalPort();
        }
        dead.failWith(400);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("camel.main.routes-include-pattern",
                "file:routes/*.yaml,file:src/test/resources/forward/test-destinations.yaml");
        props.put("test.sink-a", a.url());
        props.put("test.secrets-a", NEW_SECRET + " " + OLD_SECRET);
        props.put("test.sink-b", b.url());
        props.put("test.sink-urgent", urgent.url());
        props.put("test.sink-dead", dead.url());
        props.put("test.sink-limited", limited.url());
        props.put("processing.max-attempts", "1000");
        props.put("forward.retry-delay-ms", "50");
        props.put("forward.max-retry-delay-ms", "2000");
        props.put("broker.external.enabled", "true");
        props.put("broker.external.host", "127.0.0.1");
        props.put("broker.external.port", String.valueOf(brokerPort));
        props.put("broker.external.username", USER);
        props.put("broker.external.password", PASSWORD);
        router = new RouterHarness(props).start();
        router.registerWebhooks();
        subscribe(new JmsConnectionFactory("amqp://127.0.0.1:" + brokerPort), amqpReceived);
        subscribe(new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort), coreReceived);
    }

    private void subscribe(ConnectionFactory factory, List<String> into) throws JMSException {
        Connection connection = factory.createConnection(USER, PASSWORD);
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        session.createConsumer(session.createTopic("webex.events")).setMessageListener(m -> {
            try {
                into.add(((TextMessage) m).getText());
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        });
        connection.start();
        subscribers.add(connection);
    }

    @AfterAll
    void stop() throws Exception {
        System.out.printf("FORWARD LEDGER: events sent %d; delivered a=%d (duplicates %d), b=%d (duplicates %d), "
                        + "urgent=%d, limited=%d, amqp topic=%d (duplicates %d), core topic=%d (duplicates %d), dead-lettered=%d%n",
                eventsSent, a.received().size(), duplicates(ids(a, "Webhook-id")),
                b.received().size(), duplicates(ids(b, "Ce-id")),
                urgent.received().size(), limited.received().size(), amqpReceived.size(), duplicates(topicIds(amqpReceived)),
                coreReceived.size(), duplicates(topicIds(coreReceived)), deadLettered);
        for (Connection c : subscribers) {
            c.close();
        }
        router.close();
        for (HttpSink s : List.of(a, b, urgent, dead, limited)) {
            s.close();
        }
    }

    private int deadLettered;

    @Test
    @Order(1)
    void everyDestinationAndTheTopicGetEachEventEnvelopedAndSigned() throws Exception {
        String room = router.webex.groupRoom("Fan-out room");
        for (String text : List.of("one", "two", "URGENT three")) {
            router.webex.say("fan@example.com", room, text);
            eventsSent++;
        }
        List<HttpSink.Received> atA = inRoom(a, "Webhook-id", room, 3);
        List<HttpSink.Received> atB = inRoom(b, "Ce-id", room, 3);
        assertEquals(3, atA.size());
        assertEquals(3, atB.size());

        // a: structured CloudEvent, signed with both secrets (rotation), checked as a receiver with the official library
        List<String> ids = new ArrayList<>();
        for (HttpSink.Received r : atA) {
            Map<?, ?> ce = RouterHarness.JSON.readValue(r.body(), Map.class);
            assertEquals("1.0", ce.get("specversion"));
            assertEquals("com.webex.messages.created", ce.get("type"));
            Map<?, ?> webhook = (Map<?, ?>) ((Map<?, ?>) ce.get("data")).get("webhook");
            assertEquals("urn:webex-event-router:" + webhook.get("orgId"), ce.get("source"), "the org of the webhook");
            assertEquals(room, ce.get("subject"));
            assertEquals("application/json", ce.get("datacontenttype"));
            assertNotNull(ce.get("time"));
            assertEquals(ce.get("id"), header(r, "Webhook-id"));
            Map<?, ?> data = (Map<?, ?>) ce.get("data");
            assertEquals("messages", ((Map<?, ?>) data.get("webhook")).get("resource"));
            assertEquals("Fan-out room", ((Map<?, ?>) data.get("room")).get("title"));
            ids.add((String) ce.get("id"));

            String sig = header(r, "Webhook-signature");
            assertEquals(2, sig.split(" ").length, "one signature per secret: " + sig);
            assertTrue(receiverAccepts(NEW_SECRET, r, r.body()), "new secret");
            assertTrue(receiverAccepts(OLD_SECRET, r, r.body()), "old secret (no prefix), still valid");
            assertFalse(receiverAccepts("whsec_" + Base64.getEncoder().encodeToString(new byte[24]), r, r.body()),
                    "another secret");
            assertFalse(receiverAccepts(NEW_SECRET, r, r.body().replace("Fan-out", "Fan-0ut")), "a changed body");
            Map<String, List<String>> replayed = new LinkedHashMap<>(r.headers());
            replayed.put("Webhook-timestamp", List.of(String.valueOf(Long.parseLong(header(r, "Webhook-timestamp")) - 600)));
            assertFalse(receiverAccepts(NEW_SECRET, new HttpSink.Received(replayed, r.body()), r.body()),
                    "the same delivery replayed 10 minutes later");
        }
        assertEquals(List.of("one", "two", "URGENT three"), atA.stream().map(r -> text(r.body())).toList(), "room order");

        // b: binary mode, unsigned: data as the body, attributes as ce-* headers
        for (HttpSink.Received r : atB) {
            assertEquals("1.0", header(r, "Ce-specversion"));
            assertEquals("com.webex.messages.created", header(r, "Ce-type"));
            assertEquals(room, header(r, "Ce-subject"));
            assertEquals("application/json", header(r, "Content-type"));
            assertNull(r.headers().get("Webhook-signature"));
            Map<?, ?> data = RouterHarness.JSON.readValue(r.body(), Map.class);
            assertEquals("messages", ((Map<?, ?>) data.get("webhook")).get("resource"));
        }
        assertEquals(ids, atB.stream().map(r -> header(r, "Ce-id")).toList(), "the same ids everywhere");

        // urgent: only what its filter selects, transformed
        List<HttpSink.Received> atUrgent = urgent.awaitReceived(1, WAIT);
        assertEquals(1, atUrgent.size());
        Map<?, ?> alert = RouterHarness.JSON.readValue(atUrgent.get(0).body(), Map.class);
        assertEquals(Map.of("alert", "URGENT three", "room", room), alert);
        assertEquals(ids.get(2), header(atUrgent.get(0), "Webhook-id"));

        // the topic, over AMQP 1.0 and over the core protocol: the same CloudEvents
        assertEquals(ids, awaitTopic(amqpReceived, room, 3));
        assertEquals(ids, awaitTopic(coreReceived, room, 3));

        // the jms type: the structured CloudEvent on a queue, the room as the JMS group (a room's order downstream)
        ConsumerTemplate jms = router.context().createConsumerTemplate();
        List<String> atJms = new ArrayList<>();
        while (atJms.size() < 3) {
            Exchange delivered = jms.receive("jms:queue:test.jms-out", WAIT.toMillis());
            assertNotNull(delivered, "jms delivery " + (atJms.size() + 1) + " of 3");
            assertEquals(room, delivered.getMessage().getHeader("JMSXGroupID"));
            atJms.add((String) RouterHarness.JSON.readValue(delivered.getMessage().getBody(String.class), Map.class).get("id"));
        }
        jms.stop();
        assertEquals(ids, atJms, "the same CloudEvents, in the room's order");

        // a destination whose `enabled` is false has no route and no queue
        assertNull(router.context().getRoute("forward-off"));
        assertFalse(router.context().getRoutes().stream().anyMatch(r -> r.getEndpoint().getEndpointUri().contains("wbxt.forward.off")));
    }

    @Test
    @Order(2)
    void aDestinationThatIsDownDelaysOnlyItselfAndGetsEveryEventWhenItRecovers() throws Exception {
        String room1 = router.webex.groupRoom("Outage room 1");
        String room2 = router.webex.groupRoom("Outage room 2");
        b.failWith(503, "1"); // down, and asking for 1 s between tries (the destination's own backoff: 50 ms)
        int attemptsBefore = b.attempts().size();
        long start = System.currentTimeMillis();
        List<String> texts = List.of("m1", "m2", "m3", "m4");
        for (String text : texts) {
            router.webex.say("out@example.com", room1, text);
            router.webex.say("out@example.com", room2, text);
            eventsSent += 2;
        }
        // the bot answers and destination a gets everything while b is down
        assertEquals(4, router.webex.awaitBotMessages(room1, 4, WAIT).size());
        assertEquals(4, router.webex.awaitBotMessages(room2, 4, WAIT).size());
        assertEquals(4, inRoom(a, "Webhook-id", room1, 4).size());
        assertEquals(4, inRoom(a, "Webhook-id", room2, 4).size());
        long othersDone = System.currentTimeMillis() - start;
        assertEquals(0, inRoom(b, "Ce-id", room1, 0).size());

        // b's retries wait for its Retry-After (1 s), not its 50 ms backoff
        awaitAttempts(b, attemptsBefore + 3);
        List<Long> attempts = b.attempts().subList(attemptsBefore, attemptsBefore + 3);
        assertTrue(attempts.get(1) - attempts.get(0) >= 900 && attempts.get(2) - attempts.get(1) >= 900,
                "Retry-After honoured: " + attempts);
        // a and the replies were not held back by b: a got all 8 while b, still down, had accepted none
        System.out.printf("ForwardDestinationsTest: replies and destination a done in %d ms while b was down%n", othersDone);

        b.failWith(0);
        assertEquals(texts, inRoom(b, "Ce-id", room1, 4).stream().map(r -> text("{\"data\":" + r.body() + "}")).toList());
        assertEquals(texts, inRoom(b, "Ce-id", room2, 4).stream().map(r -> text("{\"data\":" + r.body() + "}")).toList());
        assertEquals(0, duplicates(ids(b, "Ce-id")), "each event once");
        assertEquals(0, duplicates(ids(a, "Webhook-id")), "each event once");
    }

    @Test
    @Order(3)
    void aDestinationThatRejectsEventsGetsThemInItsDeadLetterQueueWithTheReason() throws Exception {
        ConsumerTemplate consumer = router.context().createConsumerTemplate();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < eventsSent; i++) {
            Exchange dlq = consumer.receive("jms:queue:wbxt.forward.dead.dlq", WAIT.toMillis());
            assertNotNull(dlq, "dead letter " + (i + 1) + " of " + eventsSent);
            assertEquals("wbxt.forward.dead", dlq.getMessage().getHeader(DeadLetterPolicy.FROM_QUEUE));
            assertEquals(2, dlq.getMessage().getHeader(DeadLetterPolicy.ATTEMPTS, Integer.class), "its own maxAttempts");
            assertTrue(dlq.getMessage().getHeader(DeadLetterPolicy.REASON, String.class).contains("statusCode: 400"),
                    dlq.getMessage().getHeader(DeadLetterPolicy.REASON, String.class));
            // the event as its queue delivered it (the structured CloudEvent), not as the failed send had it (binary
            // mode: the data as the body, the attributes as ce-* headers)
            Map<?, ?> ce = RouterHarness.JSON.readValue(dlq.getMessage().getBody(String.class), Map.class);
            assertEquals("1.0", ce.get("specversion"), ce.toString());
            assertNull(dlq.getMessage().getHeader("ce-id"));
            ids.add((String) ce.get("id"));
            deadLettered++;
        }
        consumer.stop();
        assertEquals(eventsSent, ids.size(), "every event, once");
        assertEquals(2 * eventsSent, dead.attempts().size(), "two attempts each, no more");
    }

    @Test
    @Order(4)
    void theExternalBrokerPortNeedsTheCredentialsAndOnlyServesTheTopic() throws Exception {
        for (ConnectionFactory f : List.of(new JmsConnectionFactory("amqp://127.0.0.1:" + brokerPort),
                new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort))) {
            assertThrows(JMSSecurityException.class, () -> f.createConnection(USER, "wrong").start(), f.toString());
            try (Connection c = f.createConnection(USER, PASSWORD)) {
                Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                assertThrows(JMSException.class, () -> session.createConsumer(session.createQueue("wbxt.events")),
                        "the service's own queue");
                assertThrows(JMSException.class, () -> session.createProducer(session.createTopic("webex.events"))
                        .send(session.createTextMessage("{}")), "publishing");
            }
        }
    }

    @Test
    @Order(5)
    void theExternalBrokerPortIsNotOpenedWithoutCredentials() throws Exception {
        try (RouterHarness other = new RouterHarness(Map.of("broker.external.enabled", "true",
                "broker.external.username", USER))) {
            Exception failure = assertThrows(Exception.class, other::start);
            assertTrue(WebexEventRouter.describe(failure).contains("broker.external.password"), WebexEventRouter.describe(failure));
        }
    }

    @Test
    @Order(6)
    void aRateLimitedDestinationGetsEverythingAtItsPace() throws Exception {
        assertEquals(eventsSent, limited.awaitReceived(eventsSent, WAIT).size());
        List<Long> at = limited.attempts();
        for (int i = 3; i < at.size(); i++) {
            assertTrue(at.get(i) - at.get(i - 3) >= 900, "at most 2 per second (+1 for the window's edge): " + at);
        }
        assertEquals(0, duplicates(ids(limited, "Webhook-id")));
    }

    /** What the sink accepted for that room, once there are at least {@code count} (0: what is there now). */
    private List<HttpSink.Received> inRoom(HttpSink sink, String idHeader, String room, int count) {
        return await(count + " in " + room).atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> sink.received().stream().filter(r -> room.equals(subject(r))).toList(),
                        found -> found.size() >= count);
    }

    private List<String> awaitTopic(List<String> received, String room, int count) {
        return await(count + " on the topic for " + room).atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> received.stream().map(ForwardDestinationsTest::read)
                        .filter(ce -> room.equals(ce.get("subject"))).map(ce -> (String) ce.get("id")).toList(),
                        ids -> ids.size() >= count);
    }

    private static void awaitAttempts(HttpSink sink, int count) {
        await(count + " attempts").atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> sink.attempts().size() >= count);
    }

    private static String subject(HttpSink.Received r) {
        String ceSubject = header(r, "Ce-subject");
        return ceSubject != null ? ceSubject : (String) read(r.body()).get("subject");
    }

    /**
     * What a receiver using the official Standard Webhooks library (com.standardwebhooks:standardwebhooks) concludes
     * about a delivery: its check of the signature, the id and the timestamp (5 minutes either way).
     */
    private static boolean receiverAccepts(String secret, HttpSink.Received r, String body) throws Exception {
        try {
            new Webhook(secret).verify(body, r.headers());
            return true;
        } catch (WebhookVerificationException rejected) {
            return false;
        }
    }

    private static String header(HttpSink.Received r, String name) {
        List<String> values = r.headers().get(name);
        return values == null ? null : values.get(0);
    }

    private static List<String> ids(HttpSink sink, String header) {
        return sink.received().stream().map(r -> header(r, header)).toList();
    }

    private static List<String> topicIds(List<String> received) {
        return received.stream().map(j -> (String) read(j).get("id")).toList();
    }

    private static int duplicates(List<String> ids) {
        return ids.size() - new HashSet<>(ids).size();
    }

    private static String text(String cloudEvent) {
        Map<?, ?> data = (Map<?, ?>) read(cloudEvent).get("data");
        return String.valueOf(((Map<?, ?>) data.get("message")).get("text"));
    }

    private static Map<?, ?> read(String json) {
        try {
            return RouterHarness.JSON.readValue(json, Map.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
