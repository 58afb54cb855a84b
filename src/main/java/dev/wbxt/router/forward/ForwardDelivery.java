package dev.wbxt.router.forward;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import dev.wbxt.router.ingest.EventHeaders;
import dev.wbxt.router.processing.DeadLetterPolicy;
import dev.wbxt.router.processing.Retries;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * One forward destination's settings and steps, created with its route: the {@code delivery} bean of the
 * {@code forward-destination} template ({@code routes/91-forward.yaml}). Camel binds the template's parameters to
 * these typed properties when it creates the route, so a parameter that is not a number or an unknown {@code mode}
 * stops the start with the parameter's name instead of dead-lettering every event; nothing is parsed per event.
 */
public class ForwardDelivery {
    /**
     * The variable {@link #format} sets to the event's room id, for the destination types ({@code routes/92-*.yaml}):
     * Kafka's record key, JMS's group: what keeps a room in order downstream.
     */
    public static final String ROOM = "forwardRoom";

    /** How the CloudEvent travels: the JSON document, or the HTTP binding's {@code ce-*} headers with data as body. */
    public enum Mode {
        STRUCTURED, BINARY;

        /** The one rule for a destination's {@code mode}: used when its bean is bound and by {@link DestinationCheck}. */
        static Mode of(String mode) {
            try {
                return valueOf(mode.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("mode must be structured or binary, not '" + mode + "'");
            }
        }
    }

    private Set<String> resources;
    private Set<String> events;
    private Set<String> rooms;
    private Mode mode = Mode.STRUCTURED;
    private int maxAttempts;
    private long retryDelayMs;
    private double retryMultiplier;
    private long maxRetryDelayMs;
    private double retryJitter;
    private Retries retries;

    /** The template's {@code initMethod}: checks what binding alone cannot, once. */
    public void init() {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
        }
        if (retryJitter < 0 || retryJitter > 1) {
            throw new IllegalArgumentException("retryJitter must be between 0 and 1, not " + retryJitter);
        }
        retries = new Retries(maxAttempts, retryDelayMs, retryMultiplier, maxRetryDelayMs, retryJitter);
    }

    /** A {@code bean:} step: this destination's retries, read by the dead-letter policy instead of {@code processing.*}. */
    public void retries(Exchange exchange) {
        exchange.setProperty(DeadLetterPolicy.RETRIES, retries);
    }

    /**
     * Whether the destination takes this event: its {@code WbxtResource}, {@code WbxtEvent} and {@code WbxtRoomId}
     * are in {@code resources}, {@code events}, {@code rooms} ({@code *}: any). (The template's {@code filter} is a
     * {@code filter:} step after this one: Camel compiles it with the route, so a syntax error stops the start.)
     */
    public boolean selects(Exchange exchange) {
        Message in = exchange.getMessage();
        return listed(resources, in.getHeader(EventHeaders.RESOURCE, String.class))
                && listed(events, in.getHeader(EventHeaders.EVENT, String.class))
                && listed(rooms, in.getHeader(EventHeaders.ROOM_ID, String.class));
    }

    private static boolean listed(Set<String> list, String value) {
        return list == null || list.contains(value);
    }

    /**
     * A {@code bean:} step: turns the stored event into what the destination receives, with only the headers it
     * should see: {@code structured} sends the CloudEvent JSON as {@code application/cloudevents+json};
     * {@code binary} sends {@code data} as the body and the attributes as {@code ce-*} headers (HTTP binding).
     * The room goes to the {@value #ROOM} variable, the id receivers dedupe on to {@code webhook-id}, whatever the
     * mode and even unsigned.
     */
    public void format(Exchange exchange) {
        Message message = exchange.getMessage();
        String json = message.getBody(String.class);
        String room = message.getHeader(EventHeaders.ROOM_ID, String.class);
        String key = message.getHeader(EventHeaders.EVENT_KEY, String.class);
        CloudEvent event = key == null || mode == Mode.BINARY
                ? CloudEventEnvelope.format().deserialize(json.getBytes(StandardCharsets.UTF_8)) : null;
        message.removeHeaders("*");
        if (mode == Mode.BINARY) {
            HttpMessageFactory.createWriter(message::setHeader, message::setBody).writeBinary(event);
        } else {
            message.setBody(json);
            message.setHeader(Exchange.CONTENT_TYPE, CloudEventEnvelope.CONTENT_TYPE);
        }
        exchange.setVariable(ROOM, room);
        message.setHeader(StandardWebhooks.ID, key != null ? key : event.getId());
    }

    // ---- the template's parameters, bound when the route is created ------------------------------------------

    public void setResources(String resources) {
        this.resources = list(resources);
    }

    public void setEvents(String events) {
        this.events = list(events);
    }

    public void setRooms(String rooms) {
        this.rooms = list(rooms);
    }

    public void setMode(String mode) {
        this.mode = Mode.of(mode);
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public void setRetryDelayMs(long retryDelayMs) {
        this.retryDelayMs = retryDelayMs;
    }

    public void setRetryMultiplier(double retryMultiplier) {
        this.retryMultiplier = retryMultiplier;
    }

    public void setMaxRetryDelayMs(long maxRetryDelayMs) {
        this.maxRetryDelayMs = maxRetryDelayMs;
    }

    public void setRetryJitter(double retryJitter) {
        this.retryJitter = retryJitter;
    }

    /** comma-separated, {@code *} or empty: any (null). */
    private static Set<String> list(String value) {
        if (value == null || value.isBlank() || "*".equals(value.trim())) {
            return null;
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }
}
