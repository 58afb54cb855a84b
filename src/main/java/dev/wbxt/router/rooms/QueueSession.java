package dev.wbxt.router.rooms;

import dev.wbxt.router.ingest.EventHeaders;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import dev.wbxt.router.broker.BrokerLogin;
import dev.wbxt.router.broker.CoreMessages;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.MessageHandler;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.client.SessionFailureListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Artemis core session of the {@code rooms:} consumer: receives the queue, acknowledges events by batch, sends
 * dead letters. A core session must not be used by two threads at once (the client warns, AMQ212051), and the lanes
 * finish on many threads: every call on the session goes through one thread, in order.
 * <p>
 * Acknowledgements by batch, read in Artemis 2.44.0: the session is transacted for acknowledgements
 * ({@code autoCommitAcks} off). The session's thread takes every settled event handed to it since its last commit
 * (any room, at most {@value #MAX_BATCH}), acknowledges each ({@code individualAcknowledge}: one
 * {@code SessionIndividualAcknowledgeMessage} each, not answered; the broker adds the acknowledgement to the session's
 * transaction, {@code ServerConsumerImpl.individualAcknowledge(tx, id)}), then commits once: one round trip and one
 * journal sync for the batch, where each event used to be acknowledged in a broker transaction of its own (an
 * acknowledgement record and a commit record each). A commit starts at most once per {@code ackInterval} (10 ms by
 * default): a commit costs the broker about 320 µs of CPU whatever it holds, and the acknowledgements of a lane do not
 * hold anything up (its room's next event starts when the route ended, not when the commit returned). Measured with
 * bench/lib/StoreProbe (C1, 2 cores): the broker's CPU per event stored and acknowledged was 779 µs at one event per
 * commit, 179 µs at 16, 131 µs at 64; at 1,000 events/s the previous commit's time (about 1 ms) gathered 1-2 events.
 * A dead letter is a send and an acknowledgement in the same transaction: the copy and the removal are one.
 * <p>
 * What a crash leaves: an event is acknowledged only after its route ended (its reply sent or dead-lettered), so an
 * event whose batch was not committed is delivered again at the next start (its reply is not sent again: the
 * replied-events record). Those are among the events in flight at the crash. The session is never rolled back: a
 * rollback would hand back every event delivered to the lanes, running ones included, to be delivered again at once.
 * <p>
 * A lost connection is not reconnected in place (no reconnect attempts, with either broker): the consumer starts
 * afresh on a new session ({@link RoomsConsumer}), as after a restart. Artemis' own reconnection (reconnectAttempts
 * -1, as this class had for an external broker) recreates the session on a restarted broker, which then delivers
 * every unacknowledged event again to the lanes still holding their first copies: the first commit after it is
 * rolled back ({@code AMQ219030}, handing back what the new consumer had delivered), and the acknowledgement of a
 * first copy fails the whole batch ({@code AMQ229027: Could not find reference}), measured by BrokerRestartIT.
 */
final class QueueSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueueSession.class);
    private static final SimpleString DUPLICATE_ID = Message.HDR_DUPLICATE_DETECTION_ID;
    /** Settled events per commit at most (a burst of thousands is committed in a few steps). */
    static final int MAX_BATCH = 1000;

    /** One thing to do on the session, in the batch's transaction. */
    private interface Op {
        void apply() throws ActiveMQException;

        ClientMessage message();
    }

    private final ServerLocator locator;
    private final ClientSessionFactory factory;
    private final ClientSession session;
    private final ClientConsumer consumer;
    private final ClientProducer producer;
    private final LinkedBlockingQueue<Op> ops = new LinkedBlockingQueue<>();
    private final IntConsumer batchSizes;
    private final long intervalNanos;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Opens the session and the consumer of {@code queue} (created if it does not exist yet, as JMS would); deliveries
     * to {@code handler}, on the session's delivery thread, begin with {@link #start()}.
     *
     * @param batchSizes told the number of events settled by each commit (a metric)
     * @param ackIntervalMs a commit starts at most once per this many ms (0: when the previous one returned)
     * @param lost          told, once, that the session's connection failed (on a client thread)
     */
    QueueSession(BrokerLogin broker, String queue, MessageHandler handler, IntConsumer batchSizes, long ackIntervalMs,
                 Consumer<Exception> lost) throws Exception {
        this.batchSizes = batchSizes;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(ackIntervalMs);
        this.locator = broker.locator().setReconnectAttempts(0); // a lost connection: a fresh consumer (see above)
        ClientSessionFactory f = null;
        ClientSession s = null;
        try {
            f = locator.createSessionFactory();
            // sends (dead letters) and acknowledgements in the batch's transaction
            s = broker.session(f, false, false);
            CoreMessages.ensureQueue(s, SimpleString.of(queue));
            s.commit();
            consumer = s.createConsumer(queue);
            producer = s.createProducer();
            consumer.setMessageHandler(handler);
            s.addFailureListener(new SessionFailureListener() {
                @Override
                public void connectionFailed(ActiveMQException exception, boolean failedOver) {
                    lost.accept(exception);
                }

                @Override
                public void connectionFailed(ActiveMQException exception, boolean failedOver, String scaleDownTargetNodeID) {
                    connectionFailed(exception, failedOver);
                }

                @Override
                public void beforeReconnect(ActiveMQException exception) {
                }
            });
        } catch (Exception e) {
            if (f != null) {
                f.close();
            }
            locator.close();
            throw e;
        }
        factory = f;
        session = s;
        thread = new Thread(this::run, "wbxt-acks-" + queue);
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts the deliveries. */
    void start() throws ActiveMQException {
        session.start();
    }

    /** Acknowledges this event with the next batch, on the session's thread. */
    void acknowledge(ClientMessage message) {
        submit(new Op() {
            @Override
            public void apply() throws ActiveMQException {
                message.individualAcknowledge();
            }

            @Override
            public ClientMessage message() {
                return message;
            }
        });
    }

    /**
     * Sends a copy of the event to {@code dlq} with these extra properties and acknowledges the event, in one
     * transaction. The copy keeps the event's properties (its room: {@code _AMQ_GROUP_ID}) but not the duplicate id,
     * which would make the broker drop it when it is replayed.
     */
    void deadLetter(ClientMessage message, String text, String dlq, Map<String, Object> properties) {
        submit(new Op() {
            @Override
            public void apply() throws ActiveMQException {
                CoreMessages.ensureQueue(session, SimpleString.of(dlq));
                ClientMessage copy = session.createMessage(Message.TEXT_TYPE, true);
                CoreMessages.writeText(copy, text);
                for (SimpleString name : message.getPropertyNames()) {
                    if (!name.startsWith(RoomEvent.BROKER_PREFIX) || name.equals(Message.HDR_GROUP_ID)) {
                        copy.putObjectProperty(name, message.getObjectProperty(name));
                    }
                }
                copy.removeProperty(DUPLICATE_ID);
                properties.forEach(copy::putObjectProperty);
                producer.send(dlq, copy);
                message.individualAcknowledge();
            }

            @Override
            public ClientMessage message() {
                return message;
            }
        });
    }

    private void submit(Op op) {
        synchronized (ops) { // against close(): an op is either in a last batch, or left to the broker
            if (running) {
                ops.add(op);
                return;
            }
        }
        LOG.debug("Event {} settled after the stop: delivered again at the next start", key(op.message()));
    }

    private void run() {
        List<Op> batch = new ArrayList<>();
        long lastCommit = System.nanoTime() - intervalNanos;
        while (running || !ops.isEmpty()) {
            try {
                Op first = ops.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                long wait = lastCommit + intervalNanos - System.nanoTime();
                if (wait > 0 && running) { // the events settled within the interval go in this commit too
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                batch.add(first);
                ops.drainTo(batch, MAX_BATCH - 1);
                lastCommit = System.nanoTime();
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable unexpected) {
                LOG.error("Acknowledging {} event(s) failed unexpectedly; they are delivered again", batch.size(), unexpected);
            } finally {
                batch.clear();
            }
        }
    }

    /** Applies the batch's acknowledgements and dead letters, then commits them together. */
    private void commit(List<Op> batch) {
        List<Op> applied = new ArrayList<>(batch.size());
        for (Op op : batch) {
            try {
                op.apply();
                applied.add(op);
            } catch (ActiveMQException e) {
                // the session broke: the event is delivered again (to this consumer after a reconnection, or later)
                LOG.warn("Could not settle event {}: {}; it is delivered again", key(op.message()), e.getMessage());
            }
        }
        if (applied.isEmpty()) {
            return;
        }
        try {
            session.commit();
            batchSizes.accept(applied.size());
        } catch (ActiveMQException e) {
            LOG.warn("Could not commit the acknowledgements of {} event(s): {}; they are delivered again",
                    applied.size(), e.getMessage());
        }
    }

    private static Object key(ClientMessage message) {
        return message.getStringProperty(EventHeaders.EVENT_KEY);
    }

    /** Commits the acknowledgements and dead letters already asked for, then closes the session. */
    @Override
    public void close() throws InterruptedException {
        synchronized (ops) {
            running = false;
        }
        thread.join(TimeUnit.SECONDS.toMillis(10));
        if (thread.isAlive()) {
            LOG.warn("Acknowledgements still pending at stop: their events are delivered again");
        }
        try {
            session.close(); // what was not acknowledged goes back to the queue
        } catch (ActiveMQException e) {
            LOG.debug("Closing the session: {}", e.getMessage());
        }
        factory.close();
        locator.close();
    }
}
