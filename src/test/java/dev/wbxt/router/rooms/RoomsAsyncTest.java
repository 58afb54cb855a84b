package dev.wbxt.router.rooms;

import dev.wbxt.router.ingest.EventHeaders;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.AsyncProcessorSupport;
import org.junit.jupiter.api.Test;

/**
 * The lanes on Camel's asynchronous routing engine, without the rest of the service: an asynchronous step holds no
 * thread while it is pending. With one lane thread, five rooms' events are all pending in the step at once (a
 * blocking design would hold the one thread with the first and never see the others), and each room keeps its
 * order. Messages are written as the receiver stores them: core text messages grouped by room.
 */
class RoomsAsyncTest {
    private static final String QUEUE = "test.rooms";

    @Test
    void aPendingAsynchronousStepHoldsNoThreadAndEachRoomKeepsItsOrder() throws Exception {
        int rooms = 5;
        int perRoom = 3;
        EmbeddedBroker broker = new EmbeddedBroker(Path.of("target", "test-data", UUID.randomUUID().toString()), 1000, 8, null, "", 0,
                System.err::println);
        broker.start();
        broker.awaitStarted();
        ReleaseWhenAllRoomsWait step = new ReleaseWhenAllRoomsWait(rooms);
        Map<String, List<String>> seen = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(rooms * perRoom);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            RouterMetrics metrics = new RouterMetrics(new SimpleMeterRegistry(), q -> 0);
            context.addComponent("rooms", new RoomsComponent(broker.login(), new Retries(3, 10, 1, 10, 0),
                    new FailureRules(() -> true), new FailureReport(metrics)));
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("rooms:" + QUEUE + "?workerThreads=1&maxInFlight=100")
                            .process(step)
                            .process(e -> {
                                seen.computeIfAbsent(e.getMessage().getHeader(EventHeaders.GROUP_ID, String.class),
                                        k -> new CopyOnWriteArrayList<>()).add(e.getMessage().getBody(String.class));
                                done.countDown();
                            });
                }
            });
            context.start();
            store(broker, rooms, perRoom);

            if (!done.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("not all processed: " + seen);
            }
            for (int r = 0; r < rooms; r++) {
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < perRoom; i++) {
                    expected.add("room " + r + " event " + i);
                }
                assertEquals(expected, seen.get("room-" + r), "room " + r + " in stored order");
            }
            await("every event acknowledged, each on its own").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(20)).until(() -> broker.messageCount(QUEUE) == 0);
            System.out.printf("Rooms on the async engine: %d rooms pending at once in an asynchronous step with one lane"
                    + " thread; %d events processed in order and acknowledged%n", rooms, rooms * perRoom);
        } finally {
            broker.stop();
        }
    }

    /** Rooms interleaved, each room's events in order, as the receiver writes them (JMS text body, group = room). */
    private static void store(EmbeddedBroker broker, int rooms, int perRoom) throws Exception {
        try (ServerLocator locator = ActiveMQClient.createServerLocator(broker.login().url());
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession()) {
            ClientProducer producer = session.createProducer(QUEUE);
            for (int i = 0; i < perRoom; i++) {
                for (int r = 0; r < rooms; r++) {
                    ClientMessage m = session.createMessage(Message.TEXT_TYPE, true);
                    m.getBodyBuffer().writeNullableSimpleString(SimpleString.of("room " + r + " event " + i));
                    m.putStringProperty(Message.HDR_GROUP_ID, SimpleString.of("room-" + r));
                    m.putStringProperty(EventHeaders.EVENT_KEY, "key-" + r + "-" + i);
                    producer.send(m);
                }
            }
        }
    }

    /**
     * Completes nothing until the first event of every room is pending here, then completes them all, and every
     * later event at once: asynchronously, from the thread that brought the last one.
     */
    private static final class ReleaseWhenAllRoomsWait extends AsyncProcessorSupport implements AsyncProcessor {
        private final int rooms;
        private final List<AsyncCallback> pending = new ArrayList<>();
        private boolean released;

        ReleaseWhenAllRoomsWait(int rooms) {
            this.rooms = rooms;
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            List<AsyncCallback> release;
            synchronized (this) {
                if (released) {
                    callback.done(true);
                    return true;
                }
                pending.add(callback);
                if (pending.size() < rooms) {
                    return false; // pending: the lane thread goes back to the pool
                }
                released = true;
                release = new ArrayList<>(pending);
            }
            release.forEach(c -> c.done(false));
            return false;
        }
    }
}
