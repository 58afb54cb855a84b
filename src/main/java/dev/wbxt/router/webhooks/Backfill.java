package dev.wbxt.router.webhooks;

import dev.wbxt.router.ingest.EventHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wbxt.router.ingest.WebhookNotification;
import dev.wbxt.router.ingest.QueuedEvent;
import dev.wbxt.router.webex.WebexClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.EventNotifier;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the messages Webex never delivered (the service was down, a webhook was inactive) and feeds them through
 * the normal pipeline: a synthetic {@code messages/created} notification per message, on the same queue, with the
 * same dedupe key as a real delivery ({@code messages:created:<id>} as the Artemis duplicate id). A message that was
 * already received is dropped by the broker, so nothing is answered twice.
 * <p>
 * Where to start: the creation time of the last processed message (recorded in {@code DATA_DIR/backfill-state.json}
 * when the dispatcher finishes a {@code messages/created} event), minus an overlap for events still on their way,
 * and never further back than the look-back. With no record yet (first start) nothing is backfilled. After the
 * websocket reconnected ({@link SocketGapBackfill}): the last frame received before the drop, with the same overlap.
 */
public class Backfill {
    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String LAST_PROCESSED = "lastProcessedMessageCreated";

    private final java.util.function.Supplier<WebexClient> webexClient;
    private final ProducerTemplate template;
    private final String queueUri;
    private final JsonFileStore state;
    private final Duration lookBack;
    private final Duration overlap;

    public Backfill(java.util.function.Supplier<WebexClient> webex, ProducerTemplate template, String queueUri, JsonFileStore state,
                    Duration lookBack, Duration overlap) {
        this.webexClient = webex;
        this.template = template;
        this.queueUri = queueUri;
        this.state = state;
        this.lookBack = lookBack;
        this.overlap = overlap;
    }

    /** Enqueues what may have been missed; returns how many messages were offered to the queue (duplicates included). */
    public synchronized int run(Instant now) {
        Object mark = state.get(LAST_PROCESSED);
        if (!(mark instanceof String last)) {
            state.put(LAST_PROCESSED, now.toString()); // first start: from now on, not the bot's whole history
            LOG.info("Backfill: no message processed yet, nothing to fetch (messages are backfilled from now on)");
            return 0;
        }
        return fetch(Instant.parse(last), now);
    }

    /**
     * The websocket's gap: enqueues the messages created since {@code since} (the last frame received before the
     * socket dropped), less the overlap, at most the look-back; returns how many were offered (duplicates included).
     */
    public synchronized int runSince(Instant since, Instant now) {
        return fetch(since, now);
    }

    /** Adds what a run offered to {@code wbxt_backfill_messages_total}. */
    public static void count(MeterRegistry meters, int offered) {
        Counter.builder("wbxt_backfill_messages").description("Messages offered to the queue by the backfill")
                .register(meters).increment(offered);
    }

    private int fetch(Instant from, Instant now) {
        Instant since = from.minus(overlap);
        Instant oldest = now.minus(lookBack);
        if (since.isBefore(oldest)) {
            since = oldest;
        }
        WebexClient webex = webexClient.get();
        String botId = (String) webex.me().get("id");
        int offered = 0;
        int rooms = 0;
        for (Map<String, Object> room : webex.listRooms(Map.of("sortBy", "lastactivity"))) {
            Object activity = room.get("lastActivity");
            if (activity instanceof String a && Instant.parse(a).isBefore(since)) {
                continue; // nothing new in that room
            }
            rooms++;
            Map<String, String> query = new LinkedHashMap<>();
            query.put("roomId", (String) room.get("id"));
            if ("group".equals(room.get("type"))) {
                query.put("mentionedPeople", "me"); // a bot sees only its mentions in group rooms (403 otherwise)
                query.put("max", "100");
            } else {
                query.put("max", "100");
            }
            List<Map<String, Object>> messages = new ArrayList<>(webex.listMessages(query, since));
            java.util.Collections.reverse(messages); // oldest first: a room's order is kept
            for (Map<String, Object> m : messages) {
                if (botId.equals(m.get("personId"))) {
                    continue;
                }
                enqueue(room, m, now);
                offered++;
            }
        }
        LOG.info("Backfill: {} message(s) since {} in {} room(s) offered to the queue (already received ones are dropped)",
                offered, since, rooms);
        return offered;
    }

    private void enqueue(Map<String, Object> room, Map<String, Object> m, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (String k : List.of("id", "roomId", "roomType", "personId", "personEmail", "created")) {
            if (m.get(k) != null) {
                data.put(k, m.get(k));
            }
        }
        data.putIfAbsent("roomType", room.get("type"));
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("name", WebhookReconciler.NAME_PREFIX + "backfill");
        envelope.put("resource", "messages");
        envelope.put("event", "created");
        envelope.put("actorId", m.get("personId"));
        envelope.put("data", data);
        String body;
        try {
            body = JSON.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // The receiver's own checks and dedupe key: a backfilled event is indistinguishable from a delivered one.
        WebhookNotification n = WebhookNotification.parse(body.getBytes(StandardCharsets.UTF_8));
        Map<String, Object> headers = new LinkedHashMap<>(QueuedEvent.headers(n, now.toEpochMilli()));
        headers.put(EventHeaders.BACKFILL, true);
        template.sendBodyAndHeaders(queueUri, ExchangePattern.InOnly, body, headers);
    }

    /**
     * Records the creation time of each {@code messages/created} event the dispatcher finished, keeping the latest:
     * where the next backfill starts.
     */
    public static EventNotifier processedMark(JsonFileStore state, String routeId) {
        EventNotifierSupport notifier = new EventNotifierSupport() {
            @Override
            @SuppressWarnings("unchecked")
            public void notify(CamelEvent event) {
                CamelEvent.ExchangeCompletedEvent done = (CamelEvent.ExchangeCompletedEvent) event;
                var exchange = done.getExchange();
                if (exchange.isFailed() || !routeId.equals(exchange.getFromRouteId())) {
                    return;
                }
                Object e = exchange.getVariable("event");
                if (e instanceof Map<?, ?> ev && "messages".equals(ev.get("resource")) && "created".equals(ev.get("event"))
                        && ev.get("data") instanceof Map<?, ?> data && data.get("created") instanceof String created) {
                    try {
                        Instant at = Instant.parse(created);
                        synchronized (state) {
                            Object before = state.get(LAST_PROCESSED);
                            if (!(before instanceof String b) || Instant.parse(b).isBefore(at)) {
                                state.put(LAST_PROCESSED, at.toString());
                            }
                        }
                    } catch (RuntimeException ignored) {
                        // not a Webex timestamp: nothing to record
                    }
                }
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.ExchangeCompletedEvent;
            }
        };
        notifier.setIgnoreCamelContextEvents(true);
        notifier.setIgnoreRouteEvents(true);
        notifier.setIgnoreServiceEvents(true);
        notifier.setIgnoreExchangeCreatedEvent(true);
        notifier.setIgnoreExchangeSendingEvents(true);
        notifier.setIgnoreExchangeSentEvents(true);
        notifier.setIgnoreStepEvents(true);
        notifier.setIgnoreExchangeRedeliveryEvents(true);
        return notifier;
    }
}
