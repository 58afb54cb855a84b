package dev.wbxt.router.deadletter;

import dev.wbxt.router.EventHeaders;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import dev.wbxt.router.ops.RouterMetrics;
import dev.wbxt.router.processing.DeadLetterPolicy;
import org.springframework.jms.core.JmsTemplate;

/**
 * The dead-letter queues ({@code <queue>.dlq}) as an operator works with them: list, show, replay, delete.
 * A replay moves the event back to the queue it failed on, in one JMS transaction (never lost, never in both), with
 * a fresh duplicate id so the broker's dedupe does not swallow it; the fan-out's replied-events record still
 * prevents a second reply for an event whose reply had gone out before it failed.
 */
public class DeadLetters {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** Artemis' JMS message ids: {@code ID:} and a UUID. */
    private static final String JMS_ID_PREFIX = "ID:";
    /** Set by Artemis on a message it moves to a dead-letter or expiry address: the queue it was in. */
    private static final String ORIGINAL_QUEUE = "_AMQ_ORIG_QUEUE";
    private final JmsTemplate jms;
    private final Supplier<List<String>> queues;
    private final RouterMetrics metrics;

    /** @param queues the dead-letter queues that exist now ({@code *.dlq}, and the broker's own DLQ and expiry queue) */
    public DeadLetters(ConnectionFactory connectionFactory, Supplier<List<String>> queues, RouterMetrics metrics) {
        this.jms = new JmsTemplate(connectionFactory);
        this.jms.setSessionTransacted(true);
        this.jms.setReceiveTimeout(1000);
        this.queues = queues;
        this.metrics = metrics;
    }

    public List<String> queues() {
        return queues.get().stream().sorted().toList();
    }

    /** Every dead letter of one queue (or of all of them when {@code queue} is null), oldest first, without bodies. */
    public List<DeadLetter> list(String queue) {
        List<DeadLetter> all = new ArrayList<>();
        for (String q : queue == null ? queues() : List.of(known(queue))) {
            all.addAll(browse(q, null, false));
        }
        return all;
    }

    public DeadLetter show(String id) {
        return locate(id).orElseThrow(() -> new java.util.NoSuchElementException("no dead letter " + id));
    }

    /** Moves these dead letters back to the queues they failed on; returns how many were moved. */
    public int replay(List<String> ids) {
        int replayed = 0;
        for (String id : ids) {
            DeadLetter letter = show(id);
            if (move(letter.queue(), selector(id), letter.fromQueue())) {
                replayed++;
            }
        }
        metrics.replayed(replayed);
        return replayed;
    }

    /** Moves every dead letter of that queue back. */
    public int replayAll(String queue) {
        return replay(list(queue).stream().map(DeadLetter::id).toList());
    }

    public boolean delete(String id) {
        DeadLetter letter = show(id);
        Message removed = jms.receiveSelected(letter.queue(), selector(id));
        return removed != null;
    }

    private Optional<DeadLetter> locate(String id) {
        String selector = selector(id);
        for (String q : queues()) {
            List<DeadLetter> found = browse(q, selector, true);
            if (!found.isEmpty()) {
                return Optional.of(found.get(0));
            }
        }
        return Optional.empty();
    }

    private List<DeadLetter> browse(String queue, String selector, boolean withBody) {
        return jms.browseSelected(queue, selector, (session, browser) -> {
            List<DeadLetter> out = new ArrayList<>();
            for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements(); ) {
                out.add(read(queue, (Message) e.nextElement(), withBody));
            }
            return out;
        });
    }

    /** Receive from the dead letters and send to the original queue in the same local transaction. */
    private boolean move(String dlq, String selector, String target) {
        Boolean moved = jms.execute(session -> {
            try (MessageConsumer consumer = session.createConsumer(session.createQueue(dlq), selector)) {
                Message dead = consumer.receive(1000);
                if (dead == null) {
                    session.rollback();
                    return false;
                }
                Queue original = session.createQueue(target);
                session.createProducer(original).send(again(session, dead));
                session.commit();
                return true;
            }
        }, true);
        return Boolean.TRUE.equals(moved);
    }

    private static Message again(Session session, Message dead) throws JMSException {
        TextMessage copy = session.createTextMessage(((TextMessage) dead).getText());
        for (String name : Collections.list((Enumeration<String>) dead.getPropertyNames())) {
            if (name.startsWith(EventHeaders.PREFIX) && !name.startsWith("WbxtDeadLetter")) {
                copy.setObjectProperty(name, dead.getObjectProperty(name));
            }
        }
        String group = dead.getStringProperty(EventHeaders.GROUP_ID);
        if (group != null) {
            copy.setStringProperty(EventHeaders.GROUP_ID, group);
        }
        String key = dead.getStringProperty(EventHeaders.EVENT_KEY);
        copy.setStringProperty(EventHeaders.DUPLICATE_ID, key + ":replay:" + UUID.randomUUID());
        copy.setStringProperty(EventHeaders.REPLAY_OF, dead.getStringProperty(DeadLetterPolicy.LETTER_ID));
        return copy;
    }

    /**
     * A letter the service dead-lettered carries its id, queue and reason; one the broker moved itself (to its DLQ
     * after max-delivery-attempts, or to its expiry queue) carries none of them: its JMS message id stands for the
     * id, and Artemis' {@code _AMQ_ORIG_QUEUE} for the queue it came from.
     */
    private static DeadLetter read(String queue, Message m, boolean withBody) throws JMSException {
        String id = m.getStringProperty(DeadLetterPolicy.LETTER_ID);
        boolean byBroker = id == null;
        if (byBroker && m.getJMSMessageID() != null) {
            id = m.getJMSMessageID().substring(JMS_ID_PREFIX.length());
        }
        return new DeadLetter(id, queue,
                byBroker ? m.getStringProperty(ORIGINAL_QUEUE) : m.getStringProperty(DeadLetterPolicy.FROM_QUEUE),
                m.getStringProperty(EventHeaders.EVENT_KEY), m.getStringProperty(EventHeaders.RESOURCE),
                m.getStringProperty(EventHeaders.EVENT), m.getStringProperty(EventHeaders.GROUP_ID), byBroker ? "moved by the broker to " + queue
                        : m.getStringProperty(DeadLetterPolicy.REASON),
                m.propertyExists(DeadLetterPolicy.ATTEMPTS) ? m.getIntProperty(DeadLetterPolicy.ATTEMPTS) : 0,
                instant(m, DeadLetterPolicy.FIRST_FAILED_AT), instant(m, DeadLetterPolicy.FAILED_AT),
                withBody && m instanceof TextMessage text ? text.getText() : null);
    }

    private static String instant(Message m, String property) throws JMSException {
        return m.propertyExists(property) ? Instant.ofEpochMilli(m.getLongProperty(property)).toString() : null;
    }

    private String known(String queue) {
        if (!queues().contains(queue)) {
            throw new java.util.NoSuchElementException("no dead-letter queue " + queue + "; there are " + queues());
        }
        return queue;
    }

    /** The id goes into a JMS selector: only the UUIDs the dead-letter policy generates are accepted. */
    private static String selector(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a dead-letter id is a UUID");
        }
        return DeadLetterPolicy.LETTER_ID + " = '" + id + "' OR JMSMessageID = '" + JMS_ID_PREFIX + id + "'";
    }
}
