package dev.wbxt.router.deadletter;

import dev.wbxt.router.ingest.EventHeaders;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import dev.wbxt.router.broker.BrokerLogin;
import dev.wbxt.router.ops.RouterMetrics;
import dev.wbxt.router.processing.DeadLetterPolicy;
import org.springframework.jms.core.JmsTemplate;

/**
 * The dead-letter queues ({@code <queue>.dlq}, and the broker's own) as an operator works with them: list (filtered,
 * a page at a time), show, replay, delete. The letters are read by {@link DeadLetterBrowser} and taken by id with a
 * JMS consumer whose selector names them (a consumer that waits for its messages, unlike a JMS browser).
 * A replay moves the event back to the queue it failed on, in one JMS transaction (never lost, never in both), with
 * a fresh duplicate id so the broker's dedupe does not swallow it; the fan-out's replied-events record still
 * prevents a second reply for an event whose reply had gone out before it failed.
 */
public class DeadLetters {
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** Letters moved or deleted per transaction (and named in one selector). */
    private static final int BATCH = 100;
    /** How many reasons and rooms a listing summarises, the most frequent first. */
    private static final int SUMMARY = 100;
    private static final long RECEIVE_WAIT_MILLIS = 1000;
    /** Set on a letter {@link #sweep} put back: the pass that did (it stops when one comes round again). */
    private static final String SWEPT_BY = "WbxtDeadLetterSweptBy";
    private final JmsTemplate jms;
    private final DeadLetterBrowser browser;
    private final Supplier<List<String>> queues;
    private final RouterMetrics metrics;

    /**
     * @param login the broker, for reading the queues ({@link DeadLetterBrowser})
     * @param queues the dead-letter queues that exist now ({@code *.dlq}, and the broker's own DLQ and expiry queue)
     */
    public DeadLetters(ConnectionFactory connectionFactory, BrokerLogin login, Supplier<List<String>> queues,
                       RouterMetrics metrics) {
        this.jms = new JmsTemplate(connectionFactory);
        this.jms.setSessionTransacted(true);
        this.browser = new DeadLetterBrowser(login);
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
        requireId(id);
        for (String q : queues()) {
            for (DeadLetter letter : browse(q, id)) {
                if (id.equals(letter.id())) {
                    return letter;
                }
            }
        }
        throw new NoSuchElementException("no dead letter " + id);
    }

    /** Moves these dead letters back to the queues they failed on, each queue's oldest first. */
    public Outcome replay(Collection<String> ids) {
        return replayed(take(ids, true));
    }

    /** Moves every dead letter the filter selects back. */
    public Outcome replay(DeadLetterFilter filter) {
        return replayed(take(list(filter), true));
    }

    /** Removes these dead letters for good. */
    public Outcome delete(Collection<String> ids) {
        return take(ids, false);
    }

    private Outcome replayed(Outcome outcome) {
        metrics.replayed(outcome.done());
        return outcome;
    }

    /** The letters of the filter's queue (404 for a queue that is not a dead-letter queue), or of every queue. */
    private List<DeadLetter> all(DeadLetterFilter filter) {
        List<DeadLetter> all = new ArrayList<>();
        for (String q : filter.queue() == null ? queues() : List.of(known(filter.queue()))) {
            all.addAll(browse(q, null));
        }
        return all;
    }

    private List<DeadLetter> browse(String queue, String withBodyOf) {
        try {
            return browser.browse(queue, withBodyOf);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not read the dead-letter queue " + queue, e);
        }
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

    /** The letters with these ids, found in one listing: every id is checked before any letter is touched. */
    private Outcome take(Collection<String> ids, boolean replay) {
        List<String> wanted = ids.stream().map(DeadLetters::requireId).distinct().toList();
        Set<String> asked = new HashSet<>(wanted);
        List<DeadLetter> found = all(DeadLetterFilter.ALL).stream().filter(letter -> asked.contains(letter.id())).toList();
        Outcome outcome = take(found, replay);
        Set<String> there = found.stream().map(DeadLetter::id).collect(Collectors.toSet());
        Set<String> notTaken = new HashSet<>(outcome.missing());
        return new Outcome(outcome.done(), wanted.stream().filter(id -> !there.contains(id) || notTaken.contains(id)).toList());
    }

    /**
     * Replays or deletes these letters, {@link #BATCH} of one queue at a time, each batch taken from its queue in one
     * transaction (a replay sends each to its queue in the same transaction). A letter another operator took in
     * between is reported missing; so is a broker-moved letter without the queue it came from (it stays).
     */
    private Outcome take(List<DeadLetter> letters, boolean replay) {
        Map<String, List<String>> byQueue = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (DeadLetter letter : letters) {
            if (replay && letter.fromQueue() == null) {
                missing.add(letter.id());
            } else {
                byQueue.computeIfAbsent(letter.queue(), q -> new ArrayList<>()).add(letter.id());
            }
        }
        int done = 0;
        for (Map.Entry<String, List<String>> queue : byQueue.entrySet()) {
            List<String> ids = queue.getValue();
            Set<String> notSelected = new LinkedHashSet<>();
            for (int from = 0; from < ids.size(); from += BATCH) {
                List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
                Set<String> taken = new HashSet<>(takeFrom(queue.getKey(), batch, replay));
                done += taken.size();
                batch.stream().filter(id -> !taken.contains(id)).forEach(notSelected::add);
            }
            if (!notSelected.isEmpty()) {
                Set<String> swept = sweep(queue.getKey(), notSelected, replay);
                done += swept.size();
                notSelected.stream().filter(id -> !swept.contains(id)).forEach(missing::add);
            }
        }
        return new Outcome(done, missing);
    }

    /**
     * Takes the listed letters that a selector did not find: a consumer with a selector sees only the part of a paged
     * queue that is in memory, and the letters it does not select stay there and keep the rest on disk (Artemis 2.44.0
     * reads a queue's pages only while its messages in memory are under max-read-page-bytes, 4 MB here: a replay of the
     * 5,000 letters of one reason out of 10,000 moved 4,616 by selector). This pass reads the queue in its order
     * without a selector, {@link #BATCH} letters per transaction: a wanted letter is replayed or deleted, any other is
     * put back at the queue's end as it was (its id, reason and queue kept), so none is lost or doubled. It stops when
     * every wanted letter is taken, the queue is empty, or a letter it put back comes round again.
     */
    private Set<String> sweep(String queue, Set<String> wanted, boolean replay) {
        Set<String> taken = new HashSet<>();
        String pass = UUID.randomUUID().toString();
        boolean more = true;
        while (more && taken.size() < wanted.size()) {
            more = jms.execute(session -> {
                MessageProducer back = session.createProducer(session.createQueue(queue));
                Map<String, MessageProducer> producers = new HashMap<>();
                try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
                    for (int read = 0; read < BATCH; read++) {
                        Message m = consumer.receive(RECEIVE_WAIT_MILLIS);
                        if (m == null || pass.equals(m.getStringProperty(SWEPT_BY))) {
                            if (m != null) {
                                back.send(putBack(session, m, queue, pass));
                            }
                            session.commit();
                            return false;
                        }
                        String id = idOf(m);
                        if (!wanted.contains(id)) {
                            back.send(putBack(session, m, queue, pass));
                        } else {
                            if (replay) {
                                replay(session, producers, m);
                            }
                            taken.add(id);
                            if (taken.size() == wanted.size()) {
                                break;
                            }
                        }
                    }
                    session.commit();
                    return true;
                } finally {
                    back.close();
                    close(producers.values());
                }
            }, true);
        }
        return taken;
    }

    /** A letter the sweep does not take, as it was, marked with the sweep's pass; a broker-moved one keeps its id. */
    private static Message putBack(Session session, Message letter, String queue, String pass) throws JMSException {
        Message copy = withBodyOf(session, letter);
        for (String name : Collections.list((Enumeration<String>) letter.getPropertyNames())) {
            if (name.startsWith(EventHeaders.PREFIX)) {
                copy.setObjectProperty(name, letter.getObjectProperty(name));
            }
        }
        String group = letter.getStringProperty(EventHeaders.GROUP_ID);
        if (group != null) {
            copy.setStringProperty(EventHeaders.GROUP_ID, group);
        }
        if (letter.getStringProperty(DeadLetterPolicy.LETTER_ID) == null) {
            copy.setStringProperty(DeadLetterPolicy.LETTER_ID, idOf(letter));
            copy.setStringProperty(DeadLetterPolicy.FROM_QUEUE, fromQueue(letter));
            copy.setStringProperty(DeadLetterPolicy.REASON, DeadLetterBrowser.movedByTheBroker(queue));
        }
        copy.setStringProperty(SWEPT_BY, pass);
        return copy;
    }

    /** Receives these letters from the queue and, for a replay, sends each to its queue, in one local transaction. */
    private List<String> takeFrom(String queue, List<String> ids, boolean replay) {
        return jms.execute(session -> {
            List<String> done = new ArrayList<>();
            Map<String, MessageProducer> producers = new HashMap<>();
            try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue), selector(ids))) {
                for (Message dead; done.size() < ids.size() && (dead = consumer.receive(RECEIVE_WAIT_MILLIS)) != null; ) {
                    if (replay) {
                        replay(session, producers, dead);
                    }
                    done.add(idOf(dead));
                }
                session.commit();
            } finally {
                close(producers.values());
            }
            return done;
        }, true);
    }

    /** Sends the letter's event back to the queue it failed on, with the session's producer for that queue. */
    private static void replay(Session session, Map<String, MessageProducer> producers, Message dead) throws JMSException {
        String target = fromQueue(dead);
        MessageProducer producer = producers.get(target);
        if (producer == null) {
            producer = session.createProducer(session.createQueue(target));
            producers.put(target, producer);
        }
        producer.send(again(session, dead));
    }

    private static void close(Collection<MessageProducer> producers) throws JMSException {
        for (MessageProducer producer : producers) {
            producer.close();
        }
    }

    /** A new message with the letter's body, of its type: text (the events'), bytes (a destination's CloudEvent). */
    private static Message withBodyOf(Session session, Message letter) throws JMSException {
        if (letter instanceof BytesMessage bytes) {
            BytesMessage copy = session.createBytesMessage();
            copy.writeBytes(bytes.getBody(byte[].class));
            return copy;
        }
        return session.createTextMessage(((TextMessage) letter).getText());
    }

    private static Message again(Session session, Message dead) throws JMSException {
        Message copy = withBodyOf(session, dead);
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

    private static String idOf(Message m) throws JMSException {
        String id = m.getStringProperty(DeadLetterPolicy.LETTER_ID);
        return id != null || m.getJMSMessageID() == null ? id
                : m.getJMSMessageID().substring(DeadLetterBrowser.JMS_ID_PREFIX.length());
    }

    private static String fromQueue(Message m) throws JMSException {
        String from = m.getStringProperty(DeadLetterPolicy.FROM_QUEUE);
        return from != null ? from : m.getStringProperty(DeadLetterBrowser.ORIGINAL_QUEUE);
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
        return DeadLetterPolicy.LETTER_ID + " IN ('" + letterIds + "') OR JMSMessageID IN ('"
                + DeadLetterBrowser.JMS_ID_PREFIX + String.join("','" + DeadLetterBrowser.JMS_ID_PREFIX, ids) + "')";
    }
}
