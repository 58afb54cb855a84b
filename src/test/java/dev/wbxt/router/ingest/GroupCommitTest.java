package dev.wbxt.router.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.wbxt.router.broker.CoreMessages;
import dev.wbxt.router.broker.EmbeddedBroker;
import org.apache.activemq.artemis.api.core.ActiveMQNotConnectedException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.core.client.impl.ClientMessageImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batches against a real embedded broker (its journal in a folder of its own), both ways of storing one: in
 * process (the embedded broker's, what the service uses) and over a core session (an external broker's way, here over
 * in-VM). A batch is made deterministic by holding the first commit until the next events are queued behind it.
 */
class GroupCommitTest {
    private static final String QUEUE = "test.store";
    private static final long OUTCOME_SECONDS = 60; // a hang guard, not a time bound

    private EmbeddedBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = new EmbeddedBroker(Path.of("target", "test-data", UUID.randomUUID().toString()), 1000, 8, null, "", 0,
                System.err::println);
        broker.start();
        broker.awaitStarted();
    }

    @AfterEach
    void stop() throws Exception {
        broker.stop();
    }

    private BrokerTransactions transactions(String way) {
        SimpleString address = SimpleString.of(QUEUE);
        return way.equals("in process") ? new InProcessTransactions(broker, address)
                : new ClientTransactions(broker.login(), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"in process", "core session"})
    void aBatchWithAnEventStoredBeforeStoresEachOtherOnceAndTellsEveryMemberStored(String way) throws Exception {
        Event before = new Event("a");
        // queued while "a"'s commit is held: one batch, with "a" again, and "b" twice (a websocket frame and a webhook
        // of one message)
        List<Event> batch = List.of(new Event("a"), new Event("b"), new Event("b"), new Event("c"));
        List<Integer> batchSizes = storeBehindAHeldCommit(way, before, batch);

        assertEquals("stored", before.outcome.getNow(null));
        for (Event e : batch) {
            assertEquals("stored", e.outcome.getNow(null), e.id + " (the copy of one stored before is answered as"
                    + " stored, as Webex's retry of a 2xx'd webhook is)");
        }
        assertEquals(List.of(1, 1, 1), batchSizes, "the batch refused for its duplicate, then one by one: b and c"
                + " (b's second copy rode on the first; a's commit threw, stored before)");
        assertEquals(List.of("a", "b", "c"), drain(3), "each event once, in the order stored");
    }

    @ParameterizedTest
    @ValueSource(strings = {"in process", "core session"})
    void aBatchOfNewEventsIsOneCommit(String way) throws Exception {
        List<Event> batch = new ArrayList<>();
        List<String> expected = new ArrayList<>(List.of("first"));
        for (int i = 0; i < 10; i++) {
            batch.add(new Event("e" + i));
            expected.add("e" + i);
        }
        List<Integer> batchSizes = storeBehindAHeldCommit(way, new Event("first"), batch);

        for (Event e : batch) {
            assertEquals("stored", e.outcome.getNow(null));
        }
        assertEquals(List.of(1, 10), batchSizes);
        assertEquals(expected, drain(expected.size()));
    }

    /**
     * Stores {@code first}, holds its commit until {@code next} are queued behind it (so that they are one batch),
     * waits for every outcome, and returns the sizes of the batches stored.
     */
    private List<Integer> storeBehindAHeldCommit(String way, Event first, List<Event> next) throws Exception {
        HeldFirstCommit held = new HeldFirstCommit(transactions(way));
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        try (GroupCommit store = new GroupCommit(held, QUEUE, 64, 1 << 20, batchSizes::add)) {
            store.store(first);
            held.entered.await(OUTCOME_SECONDS, TimeUnit.SECONDS);
            next.forEach(store::store);
            held.release.countDown();
            first.outcome.get(OUTCOME_SECONDS, TimeUnit.SECONDS);
            for (Event e : next) {
                e.outcome.get(OUTCOME_SECONDS, TimeUnit.SECONDS);
            }
        }
        return batchSizes;
    }

    @ParameterizedTest
    @ValueSource(strings = {"in process", "core session"})
    void aBodyLargerThanAJournalRecordIsStoredWhole(String way) throws Exception {
        String body = "x".repeat(1024 * 1024); // the receiver's limit (camel.server.max-body-size): 2 MiB as text
        try (GroupCommit store = new GroupCommit(transactions(way), QUEUE, 64, 1 << 20, n -> { })) {
            Event big = new Event(body);
            store.store(big);
            assertEquals("stored", big.outcome.get(OUTCOME_SECONDS, TimeUnit.SECONDS));
        }
        assertEquals(List.of(body), drain(1));
    }

    @Test
    void inProcessAQueueDeletedMeanwhileFailsTheBatchAndIsMadeAgainForTheNext() throws Exception {
        try (GroupCommit store = new GroupCommit(transactions("in process"), QUEUE, 64, 1 << 20, n -> { })) {
            Event first = new Event("first");
            store.store(first);
            assertEquals("stored", first.outcome.get(OUTCOME_SECONDS, TimeUnit.SECONDS));
            broker.deleteAddress(QUEUE); // an operator's mistake: the queue and what it held are gone
            Event lost = new Event("lost");
            store.store(lost);
            String outcome = lost.outcome.get(OUTCOME_SECONDS, TimeUnit.SECONDS);
            assertTrue(outcome.contains("no queue " + QUEUE), "never a 2xx for an event routed nowhere: " + outcome);
            Event next = new Event("next");
            store.store(next);
            assertEquals("stored", next.outcome.get(OUTCOME_SECONDS, TimeUnit.SECONDS));
        }
        assertEquals(List.of("next"), drain(1));
    }

    @Test
    void inProcessWithTheBrokerStoppedEveryMemberFailsAtOnce() throws Exception {
        broker.stop();
        try (GroupCommit store = new GroupCommit(transactions("in process"), QUEUE, 64, 1 << 20, n -> { })) {
            Event e = new Event("late");
            store.store(e);
            String outcome = e.outcome.get(OUTCOME_SECONDS, TimeUnit.SECONDS);
            assertTrue(outcome.startsWith("failed: "), outcome);
            assertInstanceOf(ActiveMQNotConnectedException.class, e.failure);
        }
    }

    /**
     * The queue's {@code n} messages, consumed and acknowledged, and nothing after them. The queue's own message count
     * is no measure here: it counted one message more while the consumer's first delivery was under way (seen as 12
     * for 11, then 11).
     */
    private List<String> drain(int n) throws Exception {
        List<String> bodies = new ArrayList<>();
        try (ServerLocator locator = broker.login().locator();
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = broker.login().session(factory, true, true)) {
            session.start();
            try (ClientConsumer consumer = session.createConsumer(QUEUE)) {
                for (int i = 0; i < n; i++) {
                    ClientMessage m = consumer.receive(TimeUnit.SECONDS.toMillis(OUTCOME_SECONDS));
                    m.acknowledge();
                    bodies.add(CoreMessages.readText(m));
                }
                assertEquals(null, consumer.receiveImmediate(), "nothing more");
            }
        }
        return bodies;
    }

    /** A member as the receiver's: a core text message with the event's key as its duplicate id. */
    private static final class Event implements GroupCommit.Member {
        final String id;
        final ClientMessage message;
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        volatile Exception failure;

        Event(String id) {
            this.id = id;
            message = new ClientMessageImpl(ClientMessage.TEXT_TYPE, true, 0, System.currentTimeMillis(), (byte) 4,
                    256 + 2 * id.length());
            CoreMessages.writeText(message, id);
            message.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, duplicateId());
        }

        @Override
        public ClientMessage message() {
            return message;
        }

        @Override
        public String duplicateId() {
            return "messages:created:" + id.hashCode() + ":" + id.length();
        }

        @Override
        public int bodyBytes() {
            return id.length();
        }

        @Override
        public void stored() {
            outcome.complete("stored");
        }

        @Override
        public void failed(Exception e) {
            failure = e;
            outcome.complete("failed: " + e);
        }
    }

    /** The real transactions, the first commit held until released: what is queued meanwhile is the next batch. */
    private static final class HeldFirstCommit implements BrokerTransactions {
        final BrokerTransactions real;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        HeldFirstCommit(BrokerTransactions real) {
            this.real = real;
        }

        @Override
        public void commit(List<ClientMessage> messages) throws Exception {
            if (entered.getCount() > 0) {
                entered.countDown();
                release.await();
            }
            real.commit(messages);
        }

        @Override
        public void close() {
            real.close();
        }
    }
}
