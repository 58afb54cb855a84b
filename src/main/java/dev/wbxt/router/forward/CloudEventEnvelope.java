package dev.wbxt.router.forward;

import dev.wbxt.router.ingest.EventHeaders;

import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.extensions.DistributedTracingExtension;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import org.apache.camel.Exchange;

/**
 * Wraps a processed event in a CloudEvents 1.0 envelope (CloudEvents Java SDK), in structured JSON mode:
 * <ul>
 * <li>{@code id}: the event's dedupe key ({@code WbxtEventKey}, {@code resource:event:data.id}[:digest]): the same
 * Webex event always has the same id, so receivers can drop a repeated delivery;</li>
 * <li>{@code source}: {@code urn:webex-event-router:<orgId>} ({@code forward.source} replaces it; {@code {orgId}} in
 * it is replaced by the org);</li>
 * <li>{@code type}: {@code com.webex.<resource>.<event>}; {@code subject}: the room id;
 * {@code time}: when it happened ({@code data.created} of a created event, otherwise when it was received);</li>
 * <li>{@code partitionkey} (Partitioning extension): the room id, the key that keeps a room's order;</li>
 * <li>{@code sequence} (Sequence extension): the event's place in the order its room was stored
 * ({@code WbxtSequence}, the broker's id of the stored event) as 19 digits, so that strings compare as the numbers
 * do; the same each time the event is forwarded again, so a receiver orders a room's events by it and knows a
 * re-sent one for what it is;</li>
 * <li>{@code data} ({@code application/json}): the webhook plus what enrichment fetched ({@link EnrichedEvent});</li>
 * <li>{@code traceparent}, {@code tracestate} (Distributed Tracing extension): the room lane's span of the event's
 * trace, when tracing is on (README "Tracing"), so a receiver can continue the trace the webhook started.</li>
 * </ul>
 */
public class CloudEventEnvelope {
    public static final String CONTENT_TYPE = JsonFormat.CONTENT_TYPE; // application/cloudevents+json
    /** Headers the envelope leaves on the message, for destination filters. */

    /** The CloudEvents Sequence extension's attribute (lowercase alphanumeric, as CloudEvents 1.0 asks). */
    public static final String SEQUENCE = "sequence";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final EnrichedEvent enriched = new EnrichedEvent();
    private final String source;

    /** @param source {@code forward.source}, checked with {@link #isSource} at start */
    public CloudEventEnvelope(String source) {
        this.source = source;
    }

    /**
     * Whether {@code source} makes a CloudEvents source (a non-empty URI reference) once {@code {orgId}} is replaced:
     * checked at start, since {@code URI.create} would otherwise fail on every event and dead-letter it.
     */
    public static boolean isSource(String source) {
        if (source == null || source.isBlank()) {
            return false;
        }
        try {
            URI.create(source.replace("{orgId}", "org"));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static EventFormat format() {
        return EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);
    }

    /**
     * The body becomes the structured CloudEvent JSON, as the UTF-8 bytes the format wrote: the destinations' queues
     * take them as they are ({@link ForwardDestinations}), the topic as text. {@code WbxtRoomId} is set for filters
     * and ordering.
     */
    public void wrap(Exchange exchange) throws JsonProcessingException {
        CloudEvent event = of(exchange);
        exchange.getMessage().setBody(format().serialize(event));
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, CONTENT_TYPE);
        if (event.getSubject() != null) {
            exchange.getMessage().setHeader(EventHeaders.ROOM_ID, event.getSubject());
        }
    }

    /** The envelope of the exchange's event, as {@link #wrap} sends it (the recording keeps it too). */
    public CloudEvent of(Exchange exchange) throws JsonProcessingException {
        Map<?, ?> webhook = exchange.getVariable("event", Map.class);
        Map<?, ?> data = webhook.get("data") instanceof Map<?, ?> d ? d : Map.of();
        String resource = text(webhook.get("resource"));
        String event = text(webhook.get("event"));
        String key = exchange.getMessage().getHeader(EventHeaders.EVENT_KEY, String.class);
        String org = text(webhook.get("orgId"));
        String room = "rooms".equals(resource) ? text(data.get("id")) : text(data.get("roomId"));

        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(key != null ? key : resource + ":" + event + ":" + text(data.get("id")))
                .withSource(URI.create(source.replace("{orgId}", org.isEmpty() ? "unknown" : org)))
                .withType("com.webex." + resource + "." + event)
                .withTime(timeOf(exchange, event, data))
                .withData("application/json", JSON.writeValueAsBytes(enriched.of(exchange)));
        if (!room.isEmpty()) {
            builder.withSubject(room).withExtension("partitionkey", room);
        }
        Long sequence = exchange.getMessage().getHeader(EventHeaders.SEQUENCE, Long.class);
        if (sequence != null) {
            builder.withExtension(SEQUENCE, sequence(sequence));
        }
        // The W3C headers hold the room lane's CONSUMER span: Camel's tracer writes each span's context there, but
        // direct: is excluded and KindedTracer restores them after an INTERNAL send (a webex: step). They are absent
        // when tracing is off and the stored event carried none.
        for (String name : new String[] {DistributedTracingExtension.TRACEPARENT, DistributedTracingExtension.TRACESTATE}) {
            String value = exchange.getMessage().getHeader(name, String.class);
            if (value != null && !value.isEmpty()) {
                builder.withExtension(name, value);
            }
        }
        return builder.build();
    }

    /** A broker message id as the Sequence extension wants it: lexicographic order = numeric order (19 digits). */
    static String sequence(long brokerId) {
        String digits = Long.toString(brokerId);
        return "0".repeat(Math.max(0, 19 - digits.length())) + digits;
    }

    private static OffsetDateTime timeOf(Exchange exchange, String event, Map<?, ?> data) {
        if ("created".equals(event) && data.get("created") instanceof String created) {
            try {
                return OffsetDateTime.parse(created);
            } catch (RuntimeException notAnInstant) {
                // fall through to the time it was received
            }
        }
        Long received = exchange.getMessage().getHeader(EventHeaders.RECEIVED_AT, Long.class);
        return Instant.ofEpochMilli(received != null ? received : System.currentTimeMillis()).atOffset(ZoneOffset.UTC);
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
