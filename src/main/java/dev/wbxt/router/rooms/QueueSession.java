package dev.wbxt.router.rooms;

import dev.wbxt.router.EventHeaders;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Artemis core session of the {@code rooms:} consumer: receives the queue, acknowledges events one by one,
 * sends dead letters. A core session must not be used by two threads at once (the client warns, AMQ212051), and
 * the lanes finish on many threads: every call on the session goes through one thread ({@code ops}), in order.
 * <p>
 * Acknowledgements, read in Artemis 2.44.0: {@code ClientConsumerImpl.individualAcknowledge} ignores
 * {@code ackBatchSize} (that batches only plain {@code acknowledge}) and sends one
 * {@code SessionIndividualAcknowledgeMessage} per event, without waiting for an answer when
 * {@code blockOnAcknowledge} is false (the default, kept). On the broker, {@code ServerConsumerImpl.individualAcknowledge}
 * without a session transaction opens a transaction per acknowledgement and commits it: an acknowledgement record
 * and a commit record, the commit asking for a sync ({@code journal-sync-transactional}). The commit does not wait
 * for the disk: it is appended through the journal's timed buffer, which syncs once per buffer timeout for every
 * record appended meanwhile. So the acknowledgements of all lanes that finish within one buffer timeout share one
 * sync, and no lane waits for it. The price: an acknowledgement not yet on disk at a crash is lost and its event is
 * delivered again, which the replied-events record makes harmless (no second reply).
 */
final class QueueSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueueSession.class);
    private static final SimpleString DUPLICATE_ID = Message.HDR_DUPLICATE_DETECTION_ID;

    private final ServerLocator locator;
    private final ClientSessionFactory factory;
    private final ClientSession session;
    private final ClientConsumer consumer;
    private final ClientProducer producer;
    private final ExecutorService ops;

    /**
     * Opens the session and the consumer of {@code queue} (created if it does not exist yet, as JMS would), and
     * starts delivering to {@code handler}, on the session's delivery thread.
     *
     * @param ops one thread: every later call on the session runs there
     */
    QueueSession(BrokerLogin broker, String queue, ExecutorService ops, MessageHandler handler) throws Exception {
        this.ops = ops;
        this.locator = broker.locator();
        if (broker.external()) {
            // an external broker that restarts is reconnected to (the session's unacknowledged events are redelivered);
            // the embedded one stops only with the service, and waiting for it to come back would hold the stop
            locator.setReconnectAttempts(-1);
            locator.setRetryInterval(1000);
        }
        try {
            factory = locator.createSessionFactory();
            // autoCommitSends: each dead letter is on disk before its event is acknowledged; autoCommitAcks: no
            // session transaction, each acknowledgement stands alone (see above)
            session = broker.session(factory, true, true);
            CoreMessages.ensureQueue(session, SimpleString.of(queue));
            consumer = session.createConsumer(queue);
            producer = session.createProducer();
            consumer.setMessageHandler(handler);
            session.start();
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Acknowledges this event, later, on the session's thread. */
    void acknowledge(ClientMessage message) {
        onSession(message, () -> {
            try {
                message.individualAcknowledge();
            } catch (ActiveMQException e) {
                // the session broke: the event is delivered again (to this consumer after a reconnection, or later)
                LOG.warn("Could not acknowledge event {}: {}", message.getStringProperty(EventHeaders.EVENT_KEY), e.getMessage());
            }
        });
    }

    /**
     * Sends a copy of the event to {@code dlq} with these extra properties, and acknowledges the event once the copy
     * is stored. The copy keeps the event's properties (its room: {@code _AMQ_GROUP_ID}) but not the duplicate id,
     * which would make the broker drop it when it is replayed.
     */
    void deadLetter(ClientMessage message, String text, String dlq, Map<String, Object> properties) {
        onSession(message, () -> {
            try {
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
            } catch (ActiveMQException e) {
                LOG.warn("Could not dead-letter event {}: {}; it is delivered again", message.getStringProperty(EventHeaders.EVENT_KEY),
                        e.getMessage());
            }
        });
    }

    /** Runs a call on the session's thread; after the close (an event that outran the stop) the broker has the event. */
    private void onSession(ClientMessage message, Runnable call) {
        try {
            ops.execute(call);
        } catch (RejectedExecutionException closed) {
            LOG.debug("Event {} settled after the stop: delivered again at the next start",
                    message.getStringProperty(EventHeaders.EVENT_KEY));
        }
    }

    /** Runs the session calls already asked for (acknowledgements, dead letters), then closes the session. */
    @Override
    public void close() throws InterruptedException {
        ops.shutdown();
        if (!ops.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("Acknowledgements still pending at stop: their events are delivered again");
        }
        try {
            if (session != null) {
                session.close(); // what was not acknowledged goes back to the queue
            }
        } catch (ActiveMQException e) {
            LOG.debug("Closing the session: {}", e.getMessage());
        }
        if (factory != null) {
            factory.close();
        }
        locator.close();
    }
}
