package dev.wbxt.router.deadletter;

import dev.wbxt.router.EventHeaders;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import dev.wbxt.router.ops.RouterMetrics;
import dev.wbxt.router.processing.DeadLetterPolicy;
import org.springframework.jms.core.JmsTemplate;

/**
 * The dead-letter queues ({@code <queue>.dlq}, and the broker's own) as an operator works with them: list (filtered,
 * a page at a time), show, replay, delete.
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
    /** Letters moved or deleted per transaction (and named in one selector). */
    private static final int BATCH = 100;
    /** How many reasons and rooms a listing summarises, the most frequent first. */
    private static final int SUMMARY = 100;
    private static final long RECEIVE_WAIT_MILLIS = 1000;
    private final JmsTemplate jms;
    private final Supplier<List<String>> queues;
    private final RouterMetrics metrics;

    /** @param queues the dead-letter queues that exist now ({@code *.dlq}, and the broker's own DLQ and expiry queue) */
    public DeadLetters(ConnectionFactory connectionFactory, Supplier<List<String>> queues, RouterMetrics metrics) {
        this.jms = new JmsTemplate(connectionFactory);
        this.jms.setSessionTransacted(true);
        this.queues = queues;
        this.metrics = metrics;
    }

    /**
     * One page of the letters a filter selects (without bodies, each queue's oldest first), how many it selects in
     * all, and the most frequent reason kinds and rooms: the reasons among the letters of the filter's queue and
     * room, the rooms among those of its queue and reason.
     */
    public record Listing(List<String> queues, int total, List<DeadLetter> items, List<Map<String, Object>> reasons,
                          List<Map<String, Object>> rooms) {
    }

    /** What a replay or a delete did: how many letters, and the ids asked for that it found nowhere. */
    public record Outcome(int done, List<String> missing) {
    }

    public List<String> queues() {
        return queues.get().stream().sorted().toList();
    }

    /** Every dead letter the filter selects, each queue's oldest first, without bodies. */
    public List<DeadLetter> list(DeadLetterFilter filter) {
        return all(filter).stream().filter(filter::matches).toList();
    }

    /** The letters from {@code offset} on, at most {@code limit} of them. */
    public Listing list(DeadLetterFilter filter, int offset, int limit) {
        List<DeadLetter> letters = all(filter);
        DeadLetterFilter byRoom = new DeadLetterFilter(filter.queue(), null, filter.roomId());
        DeadLetterFilter byReason = new DeadLetterFilter(filter.queue(), filter.reason(), null);
        List<DeadLetter> selected = letters.stream().filter(filter::matches).toList();
        return new Listing(queues(), selected.size(),
                selected.subList(Math.min(offset, selected.size()), (int) Math.min((long) offset + limit, selected.size())),
                summary(letters, byRoom, letter -> DeadLetterFilter.kind(letter.reason()), "reason"),
                summary(letters, byReason, DeadLetter::roomId, "roomId"));
    }

    public DeadLetter show(String id) {
        return locate(id).orElseThrow(() -> new NoSuchElementException("no dead letter " + id));
    }

    /** Moves these dead letters back to the queues they failed on, each queue's oldest first. */
    public Outcome replay(Collection<String> ids) {
        Outcome outcome = take(ids, true);
        metrics.replayed(outcome.done());
        return outcome;
    }

    /** Moves every dead letter the filter selects back. */
    public Outcome replay(DeadLetterFilter filter) {
        return replay(list(filter).stream().map(DeadLetter::id).toList());
    }

    /** Removes these dead letters for good. */
    public Outcome delete(Collection<String> ids) {
        return take(ids, false);
    }

    /** The letters of the filter's queue (404 for a queue that is not a dead-letter queue), or of every queue. */
    private List<DeadLetter> all(DeadLetterFilter filter) {
        List<DeadLetter> all = new ArrayList<>();
        for (String q : filter.queue() == null ? queues() : List.of(known(filter.queue()))) {
            all.addAll(browse(q, null, false));
        }
        return all;
    }

    private static List<Map<String, Object>> summary(List<DeadLetter> letters, DeadLetterFilter filter,
                                                     Function<DeadLetter, String> key, String name) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (DeadLetter letter : letters) {
            String value = key.apply(letter);
            if (value != null && filter.matches(letter)) {
                counts.merge(value, 1, Integer::sum);
            }
        }
        return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .limit(SUMMARY).<Map<String, Object>>map(e -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put(name, e.getKey());
                    row.put("count", e.getValue());
                    return row;
                }).toList();
    }

    private Optional<DeadLetter> locate(String id) {
        String selector = selector(List.of(requireId(id)));
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

    /**
     * Replays or deletes the letters with these ids, {@link #BATCH} at a time: every id is checked before any letter
     * is touched, each batch is found by browsing, then taken from its queue in one transaction (a replay sends each
     * to its queue in the same transaction). A letter another operator took in between is reported missing.
     */
    private Outcome take(Collection<String> ids, boolean replay) {
        List<String> wanted = ids.stream().map(DeadLetters::requireId).distinct().toList();
        Set<String> taken = new HashSet<>();
        for (int from = 0; from < wanted.size(); from += BATCH) {
            List<String> batch = wanted.subList(from, Math.min(wanted.size(), from + BATCH));
            for (String queue : queues()) {
                // a broker-moved letter without the queue it came from cannot go back: it stays, reported missing
                List<String> here = browse(queue, selector(batch), false).stream()
                        .filter(letter -> !replay || letter.fromQueue() != null).map(DeadLetter::id).toList();
                if (!here.isEmpty()) {
                    taken.addAll(takeFrom(queue, here, replay));
                }
                if (taken.containsAll(batch)) {
                    break;
                }
            }
        }
        return new Outcome(taken.size(), wanted.stream().filter(id -> !taken.contains(id)).toList());
    }

    /** Receives these letters from the queue and, for a replay, sends each to its queue, in one local transaction. */
    private List<String> takeFrom(String queue, List<String> ids, boolean replay) {
        return jms.execute(session -> {
            List<String> done = new ArrayList<>();
            try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue), selector(ids))) {
                for (Message dead; done.size() < ids.size() && (dead = consumer.receive(RECEIVE_WAIT_MILLIS)) != null; ) {
                    if (replay) {
                        session.createProducer(session.createQueue(fromQueue(dead))).send(again(session, dead));
                    }
                    done.add(idOf(dead));
                }
                session.commit();
            }
            return done;
        }, true);
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
        boolean byBroker = m.getStringProperty(DeadLetterPolicy.LETTER_ID) == null;
        return new DeadLetter(idOf(m), queue, fromQueue(m),
                m.getStringProperty(EventHeaders.EVENT_KEY), m.getStringProperty(EventHeaders.RESOURCE),
                m.getStringProperty(EventHeaders.EVENT), m.getStringProperty(EventHeaders.GROUP_ID), byBroker ? "moved by the broker to " + queue
                        : m.getStringProperty(DeadLetterPolicy.REASON),
                m.propertyExists(DeadLetterPolicy.ATTEMPTS) ? m.getIntProperty(DeadLetterPolicy.ATTEMPTS) : 0,
                instant(m, DeadLetterPolicy.FIRST_FAILED_AT), instant(m, DeadLetterPolicy.FAILED_AT),
                withBody && m instanceof TextMessage text ? text.getText() : null);
    }

    private static String idOf(Message m) throws JMSException {
        String id = m.getStringProperty(DeadLetterPolicy.LETTER_ID);
        return id != null || m.getJMSMessageID() == null ? id : m.getJMSMessageID().substring(JMS_ID_PREFIX.length());
    }

    private static String fromQueue(Message m) throws JMSException {
        String from = m.getStringProperty(DeadLetterPolicy.FROM_QUEUE);
        return from != null ? from : m.getStringProperty(ORIGINAL_QUEUE);
    }

    private static String instant(Message m, String property) throws JMSException {
        return m.propertyExists(property) ? Instant.ofEpochMilli(m.getLongProperty(property)).toString() : null;
    }

    private String known(String queue) {
        if (!queues().contains(queue)) {
            throw new NoSuchElementException("no dead-letter queue " + queue + "; there are " + queues());
        }
        return queue;
    }

    /** Whether this is a dead-letter id: the ids go into a JMS selector, so only the UUIDs the dead-letter policy (or Artemis) generates are. */
    public static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    private static String requireId(String id) {
        if (!isId(id)) {
            throw new IllegalArgumentException("a dead-letter id is a UUID");
        }
        return id;
    }

    private static String selector(List<String> ids) {
        String letterIds = String.join("','", ids);
        return DeadLetterPolicy.LETTER_ID + " IN ('" + letterIds + "') OR JMSMessageID IN ('" + JMS_ID_PREFIX
                + String.join("','" + JMS_ID_PREFIX, ids) + "')";
    }
}
