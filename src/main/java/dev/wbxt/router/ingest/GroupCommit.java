package dev.wbxt.router.ingest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import dev.wbxt.router.broker.BrokerLogin;
import dev.wbxt.router.broker.CoreMessages;
import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores events by batch: one thread takes every event handed to it since its last commit (at most
 * {@code maxBatch} events and {@code maxBatchBytes} of bodies), sends them in one transaction of a core session and
 * commits: one round trip to the broker and one journal sync for the whole batch, where each event used to be a
 * durable send of its own (its own broker transaction, commit record and answer). The batch is as long as the
 * previous commit took: one event when webhooks are rare (the same latency as before), dozens under a burst. No
 * timer, no wait for a batch to fill.
 * <p>
 * What a member is told, read in Artemis 2.44.0:
 * <ul>
 * <li>Stored: {@code ClientSession.commit()} returned. The broker answers the commit from
 *     {@code ServerSessionPacketHandler.sendResponse}, deferred by {@code afterCompleteOperations} until the
 *     transaction's records (the messages, their duplicate ids, the commit record) are synced.</li>
 * <li>Not stored: the commit (or a send before it) threw, or the connection was lost. The broker rolls back a
 *     transaction whose commit it did not finish; every member of the batch fails, none gets its 2xx. A commit that
 *     the broker finished but whose answer was lost with the connection fails too (Webex delivers again and the
 *     duplicate id drops the copy): never a 2xx for a batch that was not confirmed.</li>
 * <li>A duplicate: the broker refuses a duplicate id inside a transaction by marking the whole transaction
 *     rollback-only ({@code PostOfficeImpl.checkNotBridgeDuplicateID}), so the commit throws
 *     {@link ActiveMQDuplicateIdException} and nothing of the batch is kept. The batch is then stored again one event
 *     per transaction: the duplicate's own commit throws again (it was stored before: its 2xx, as ever), the
 *     others are stored. Two copies of one event within a batch (the websocket and a webhook of the same message)
 *     are sent once: the second is answered with the first.</li>
 * </ul>
 * Sends in the transaction do not wait for an answer (no confirmation window, {@code blockOnDurableSend} off): the
 * commit's answer covers them. A lost connection is not reconnected in place: the next batch opens a new one, at
 * most once a second while the broker cannot be reached (the batches in between fail at once: 503).
 */
final class GroupCommit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    private static final long RETRY_CONNECT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long RETRY_INTERVAL_MILLIS = 50;

    /** One event to store and what to tell when it is, or is not. */
    interface Member {
        ClientMessage message();

        /** The duplicate id, or null: two members with the same one in a batch are stored once. */
        String duplicateId();

        int bodyBytes();

        void stored();

        void failed(Exception e);
    }

    private final BrokerLogin broker;
    private final SimpleString address;
    private final int maxBatch;
    private final int maxBatchBytes;
    private final IntConsumer batchSizes;
    private final LinkedBlockingQueue<Member> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    // the connection, used by the batch thread only
    private ServerLocator locator;
    private ClientSessionFactory factory;
    private ClientSession session;
    private ClientProducer producer;
    private long lastConnectFailure = System.nanoTime() - RETRY_CONNECT_NANOS;
    private Exception connectFailure;

    /**
     * @param batchSizes told the size of each batch stored (a metric)
     */
    GroupCommit(BrokerLogin broker, String queue, int maxBatch, int maxBatchBytes, IntConsumer batchSizes) {
        this.broker = broker;
        this.address = SimpleString.of(queue);
        this.maxBatch = maxBatch;
        this.maxBatchBytes = maxBatchBytes;
        this.batchSizes = batchSizes;
        this.thread = new Thread(this::run, "wbxt-store-" + queue);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Stores {@code member} with the next batch; it is told the outcome on the batch thread. */
    void store(Member member) {
        synchronized (queue) { // against close(): a member is either queued before the last batches, or refused
            if (running) {
                queue.add(member);
                return;
            }
        }
        member.failed(new IllegalStateException("the store is stopping"));
    }

    private void run() {
        List<Member> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Member first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                int bytes = first.bodyBytes();
                while (batch.size() < maxBatch && bytes < maxBatchBytes) {
                    Member next = queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    bytes += next.bodyBytes();
                }
                storeBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Throwable unexpected) {
                LOG.error("Storing a batch of {} event(s) failed unexpectedly", batch.size(), unexpected);
                failAll(batch, unexpected instanceof Exception e ? e : new IllegalStateException(unexpected));
            } finally {
                batch.clear();
            }
        }
        Exception stopped = new IllegalStateException("the store has stopped");
        for (Member left; (left = queue.poll()) != null; ) {
            left.failed(stopped);
        }
        disconnect();
    }

    private void storeBatch(List<Member> batch) {
        try {
            connect();
        } catch (Exception e) {
            failAll(batch, e);
            return;
        }
        // A second copy of an event in the same batch rides on the first: the broker would store both (a duplicate
        // id enters its cache only once the transaction that carries it is committed).
        List<Member> distinct = new ArrayList<>(batch.size());
        Map<String, List<Member>> riders = null;
        Map<String, Member> seen = batch.size() > 1 ? new HashMap<>() : null;
        for (Member m : batch) {
            String id = m.duplicateId();
            if (seen != null && id != null && seen.putIfAbsent(id, m) != null) {
                if (riders == null) {
                    riders = new HashMap<>();
                }
                riders.computeIfAbsent(id, k -> new ArrayList<>()).add(m);
            } else {
                distinct.add(m);
            }
        }
        try {
            for (Member m : distinct) {
                producer.send(m.message());
            }
            session.commit();
            batchSizes.accept(distinct.size());
            for (Member m : batch) {
                m.stored();
            }
        } catch (ActiveMQDuplicateIdException duplicate) {
            oneByOne(distinct, riders);
        } catch (Exception e) {
            failAll(batch, e);
            if (session == null || session.isClosed() || broken(e)) {
                disconnect();
            }
        }
    }

    /** The batch had an event stored before: each in a transaction of its own, a duplicate counted as stored. */
    private void oneByOne(List<Member> distinct, Map<String, List<Member>> riders) {
        for (Member m : distinct) {
            Exception failure = null;
            try {
                producer.send(m.message());
                session.commit();
            } catch (ActiveMQDuplicateIdException storedBefore) {
                LOG.debug("Event {} was stored before: not stored again", m.duplicateId());
            } catch (Exception e) {
                failure = e;
            }
            List<Member> told = new ArrayList<>(2);
            told.add(m);
            if (riders != null) {
                told.addAll(riders.getOrDefault(m.duplicateId(), List.of()));
            }
            for (Member each : told) {
                if (failure == null) {
                    each.stored();
                } else {
                    each.failed(failure);
                }
            }
        }
    }

    private static boolean broken(Exception e) {
        return e instanceof ActiveMQException amq && switch (amq.getType()) {
            case NOT_CONNECTED, CONNECTION_TIMEDOUT, DISCONNECTED, OBJECT_CLOSED, SESSION_CREATION_REJECTED -> true;
            default -> false;
        };
    }

    private void failAll(List<Member> batch, Exception e) {
        for (Member m : batch) {
            m.failed(e);
        }
    }

    private void connect() throws Exception {
        if (session != null && !session.isClosed()) {
            return;
        }
        disconnect();
        if (connectFailure != null && System.nanoTime() - lastConnectFailure < RETRY_CONNECT_NANOS) {
            throw connectFailure;
        }
        try {
            locator = broker.locator()
                    .setConfirmationWindowSize(-1) // no answer per send: the commit's answer covers the batch
                    .setBlockOnDurableSend(false)
                    .setProducerWindowSize(-1)
                    .setReconnectAttempts(0) // a lost connection fails its batch (503); the next one reconnects
                    // A refused attempt tries the broker's known topology once more after the retry interval: at
                    // Artemis' 2 s, every webhook of a broker outage waited 2 s for its 503 (BrokerRestartIT).
                    .setRetryInterval(RETRY_INTERVAL_MILLIS);
            factory = locator.createSessionFactory();
            session = broker.session(factory, false, true); // sends in a transaction, committed per batch
            CoreMessages.ensureQueue(session, address);
            producer = session.createProducer(address);
            connectFailure = null;
        } catch (Exception e) {
            disconnect();
            connectFailure = e;
            lastConnectFailure = System.nanoTime();
            throw e;
        }
    }

    private void disconnect() {
        if (factory != null) {
            factory.close(); // closes the session: a transaction not committed is rolled back by the broker
        }
        if (locator != null) {
            locator.close();
        }
        factory = null;
        locator = null;
        session = null;
        producer = null;
    }

    /** Stores what was handed over already, then closes the connection. */
    @Override
    public void close() throws InterruptedException {
        synchronized (queue) {
            running = false;
        }
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }
}
