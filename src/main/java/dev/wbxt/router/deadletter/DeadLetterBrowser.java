package dev.wbxt.router.deadletter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.wbxt.router.ingest.EventHeaders;
import dev.wbxt.router.broker.BrokerLogin;
import dev.wbxt.router.broker.CoreMessages;
import dev.wbxt.router.processing.DeadLetterPolicy;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;

/**
 * Reads every letter of a dead-letter queue without taking it: an Artemis core consumer in browse mode, read until
 * it has as many messages as the broker counted in the queue just before.
 * <p>
 * Not the JMS {@code QueueBrowser}: Artemis 2.44's enumerates with {@code receiveImmediate}, which asks the broker
 * for a "nothing more" marker, and the broker sends that marker as soon as its browser is held back (by the client's
 * credits or a full connection), with messages still to go: measured here, three listings of the same 10,000 letters
 * counted 6,050, 897 and 4,258, and a "replay all" built on it moved 2,914 of them
 * ({@code ServerConsumerImpl.forceDelivery}: the marker follows whatever the browser could deliver).
 * A consumer window of 0 (one message per round trip) avoids that, but did not answer a listing of 10,000 letters
 * within 15 s.
 * This consumer waits for messages instead (the broker's browser pages through the paged ones too), and a count
 * taken before the browse tells it when it is done; it waits {@link #RECEIVE_WAIT_MILLIS} only when letters were
 * taken while it browsed.
 */
final class DeadLetterBrowser {
    /** Artemis' JMS message ids: {@code ID:} and a UUID (a core message's user id). */
    static final String JMS_ID_PREFIX = "ID:";
    /** Set by Artemis on a message it moves to a dead-letter or expiry address: the queue it was in. */
    static final String ORIGINAL_QUEUE = Message.HDR_ORIGINAL_QUEUE.toString();
    private static final long RECEIVE_WAIT_MILLIS = 1000;
    private final BrokerLogin login;

    DeadLetterBrowser(BrokerLogin login) {
        this.login = login;
    }

    /** The queue's letters, oldest first; the body only of the letter with id {@code withBodyOf} (may be null). */
    List<DeadLetter> browse(String queue, String withBodyOf) throws Exception {
        SimpleString name = SimpleString.of(queue);
        try (ServerLocator locator = login.locator(); ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = login.session(factory, true, true)) {
            ClientSession.QueueQuery query = session.queueQuery(name);
            long count = query.isExists() ? query.getMessageCount() : 0;
            List<DeadLetter> letters = new ArrayList<>((int) Math.min(count, 10_000));
            if (count == 0) {
                return letters;
            }
            try (ClientConsumer browser = session.createConsumer(name, null, true)) {
                session.start();
                for (ClientMessage m; letters.size() < count && (m = browser.receive(RECEIVE_WAIT_MILLIS)) != null; ) {
                    letters.add(read(queue, m, withBodyOf));
                }
            }
            return letters;
        }
    }

    /**
     * A letter the service dead-lettered carries its id, queue and reason; one the broker moved itself (to its DLQ
     * after max-delivery-attempts, or to its expiry queue) carries none of them: its JMS message id stands for the
     * id, and Artemis' {@code _AMQ_ORIG_QUEUE} for the queue it came from.
     */
    private static DeadLetter read(String queue, ClientMessage m, String withBodyOf) {
        String letterId = m.getStringProperty(DeadLetterPolicy.LETTER_ID);
        String id = letterId != null || m.getUserID() == null ? letterId : m.getUserID().toString();
        String from = m.getStringProperty(DeadLetterPolicy.FROM_QUEUE);
        return new DeadLetter(id, queue, from != null ? from : m.getStringProperty(ORIGINAL_QUEUE),
                m.getStringProperty(EventHeaders.EVENT_KEY), m.getStringProperty(EventHeaders.RESOURCE),
                m.getStringProperty(EventHeaders.EVENT), m.getGroupID() == null ? null : m.getGroupID().toString(),
                letterId == null ? movedByTheBroker(queue) : m.getStringProperty(DeadLetterPolicy.REASON),
                m.containsProperty(DeadLetterPolicy.ATTEMPTS) ? m.getIntProperty(DeadLetterPolicy.ATTEMPTS) : 0,
                instant(m, DeadLetterPolicy.FIRST_FAILED_AT), instant(m, DeadLetterPolicy.FAILED_AT),
                id != null && id.equals(withBodyOf) ? CoreMessages.readBody(m) : null);
    }

    /** The reason shown for a letter the broker moved itself. */
    static String movedByTheBroker(String queue) {
        return "moved by the broker to " + queue;
    }

    private static String instant(ClientMessage m, String property) {
        return m.containsProperty(property) ? Instant.ofEpochMilli(m.getLongProperty(property)).toString() : null;
    }
}
