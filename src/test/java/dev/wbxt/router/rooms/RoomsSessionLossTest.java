package dev.wbxt.router.rooms;

import dev.wbxt.router.ingest.EventHeaders;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.wbxt.router.broker.EmbeddedBroker;
import dev.wbxt.router.ops.RouterMetrics;
import dev.wbxt.router.processing.FailureReport;
import dev.wbxt.router.processing.FailureRules;
import dev.wbxt.router.processing.Retries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The consumer's connection to the embedded broker fails (issue 21, item 7: found by the soak). In the soak, the
 * service's JVM was paused for 37 s (a cgroup freezer; a long GC pause, a VM pause or a stalled journal disk do the
 * same): the lanes' acknowledgement commit then exceeded the core client's call timeout (30 s, AMQ219014), the
 * client failed the in-VM connection, and the consumer's session was closed ("Could not commit the acknowledgements
 * ... Session is closed"). The embedded broker's sessions do not reconnect (QueueSession), so no event was taken
 * again: the queue held 2,653 events for the 7 minutes until the run ended, while readiness said UP.
 *
 * <p>Here the broker closes the consumer's connection itself (its management operation
 * {@code closeConsumerConnectionsForAddress}), which fails the client's session the same way, while one event runs
 * and its room's next ones wait in their lane; then more events are stored. Each is processed, those delivered to the
 * closed session among them (the running one twice: its acknowledgement could not be sent), each room in order.
 */
class RoomsSessionLossTest {
    private static final String QUEUE = "test.session-loss";

    @Test
    void afterItsConnectionFailedTheConsumerTakesEventsAgainOnANewSession() throws Exception {
        EmbeddedBroker broker = new EmbeddedBroker(Path.of("target", "test-data", UUID.randomUUID().toString()), 1000, 8,
                null, "", 0, System.err::println);
        broker.start();
        broker.awaitStarted();
        Map<String, List<String>> seen = new ConcurrentHashMap<>();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            RouterMetrics metrics = new RouterMetrics(new SimpleMeterRegistry(), q -> 0);
            context.addComponent("rooms", new RoomsComponent(broker.login(), new Retries(3, 10, 1, 10, 0),
                    new FailureRules(() -> true), new FailureReport(metrics)));
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("rooms:" + QUEUE + "?workerThreads=2&maxInFlight=100").routeId("lanes")
                            .process(e -> {
                                String body = e.getMessage().getBody(String.class);
                                if (body.equals("room 0 event 5") && running.getCount() > 0) {
                                    running.countDown(); // the first run of this event holds it until the close
                                    closed.await(30, TimeUnit.SECONDS);
                                }
                                seen.computeIfAbsent(e.getMessage().getHeader(EventHeaders.GROUP_ID, String.class),
                                        k -> new CopyOnWriteArrayList<>()).add(body);
                            });
                }
            });
            context.start();
            store(broker, 0, 10);
            assertEquals(true, running.await(30, TimeUnit.SECONDS), "room 0's event 5 runs");
            closeConsumerConnections(broker); // while it runs and room 0's events 6-9 wait in the lane
            closed.countDown();
            store(broker, 10, 20);

            await("the events stored after the connection failed are processed").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50)).until(() -> broker.messageCount(QUEUE) == 0
                            && seen.values().stream().mapToLong(l -> l.stream().distinct().count()).sum() == 60);
            for (int r = 0; r < 3; r++) {
                List<String> firsts = seen.get("room-" + r).stream().distinct().toList();
                assertEquals(20, firsts.size(), "room " + r + ": " + seen.get("room-" + r));
                for (int i = 0; i < 20; i++) {
                    assertEquals("room " + r + " event " + i, firsts.get(i), "room " + r + " in stored order");
                }
            }
            System.out.printf("Rooms after a lost session: 60 events over 3 rooms processed, each room in order, %d runs"
                    + " in all (room 0: %s)%n", seen.values().stream().mapToInt(List::size).sum(), seen.get("room-0"));
            assertEquals(2, seen.get("room-0").stream().filter("room 0 event 5"::equals).count(),
                    "the event running at the loss ran to its end, and again on the new session");
        } finally {
            broker.stop();
        }
    }

    /** The broker closes every connection with a consumer on the queue: what a failed in-VM connection looks like. */
    private static void closeConsumerConnections(EmbeddedBroker broker) throws Exception {
        try (ServerLocator locator = ActiveMQClient.createServerLocator(broker.login().url());
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession()) {
            ClientRequestor requestor = new ClientRequestor(session, "activemq.management");
            session.start();
            ClientMessage request = session.createMessage(false);
            ManagementHelper.putOperationInvocation(request, ResourceNames.BROKER, "closeConsumerConnectionsForAddress", QUEUE);
            ClientMessage reply = requestor.request(request, 10_000);
            assertEquals(true, ManagementHelper.hasOperationSucceeded(reply), "closeConsumerConnectionsForAddress");
            assertEquals(true, ManagementHelper.getResult(reply), "a consumer's connection was closed");
        }
    }

    /** Events from..to of three rooms, interleaved, as the receiver writes them. */
    private static void store(EmbeddedBroker broker, int from, int to) throws Exception {
        try (ServerLocator locator = ActiveMQClient.createServerLocator(broker.login().url());
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession()) {
            ClientProducer producer = session.createProducer(QUEUE);
            for (int i = from; i < to; i++) {
                for (int r = 0; r < 3; r++) {
                    ClientMessage m = session.createMessage(Message.TEXT_TYPE, true);
                    m.getBodyBuffer().writeNullableSimpleString(SimpleString.of("room " + r + " event " + i));
                    m.putStringProperty(Message.HDR_GROUP_ID, SimpleString.of("room-" + r));
                    m.putStringProperty(EventHeaders.EVENT_KEY, "key-" + r + "-" + i);
                    producer.send(m);
                }
            }
        }
    }
}
