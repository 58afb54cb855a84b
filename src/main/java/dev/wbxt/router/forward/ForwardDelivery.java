package dev.wbxt.router.forward;

import dev.wbxt.router.EventHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import dev.wbxt.router.processing.DeadLetterPolicy;
import dev.wbxt.router.processing.Retries;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Predicate;

/**
 * The steps of the {@code forward-destination} route template ({@code routes/91-forward.yaml}), bound as
 * {@code forwardDelivery}: which events a destination takes, its retry policy, the envelope mode, the signature.
 */
public class ForwardDelivery {
    /** Exchange property holding the destination's signing secret(s): never a header, so never sent anywhere. */
    public static final String SECRET = "WbxtForwardSecret";
    /** Exchange property holding the destination's own Simple filter. */
    public static final String FILTER = "WbxtForwardFilter";

    /** The envelope modes {@link #prepare} knows; a destination's {@code mode} is checked against them at start. */
    static final java.util.Set<String> MODES = java.util.Set.of("structured", "binary");

    private final Map<String, Predicate> filters = new ConcurrentHashMap<>();
    private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();
    private final Map<String, StandardWebhooks> signers = new ConcurrentHashMap<>();

    /**
     * Whether the destination takes this event: {@code resources}, {@code events}, {@code rooms} are
     * comma-separated lists ({@code *}: any), then the Simple predicate in the {@link #FILTER} property, if any.
     */
    public boolean selects(Exchange exchange, String resources, String events, String rooms) {
        Message in = exchange.getMessage();
        if (!listed(resources, in.getHeader(EventHeaders.RESOURCE, String.class))
                || !listed(events, in.getHeader(EventHeaders.EVENT, String.class))
                || !listed(rooms, in.getHeader(EventHeaders.ROOM_ID, String.class))) {
            return false;
        }
        String filter = exchange.getProperty(FILTER, String.class);
        if (filter == null || filter.isBlank() || "true".equals(filter.trim())) {
            return true;
        }
        return filters.computeIfAbsent(filter, f -> exchange.getContext().resolveLanguage("simple").createPredicate(f))
                .matches(exchange);
    }

    private boolean listed(String list, String value) {
        if (list == null || list.isBlank() || "*".equals(list.trim())) {
            return true;
        }
        Pattern any = patterns.computeIfAbsent(list, l -> Pattern.compile("\\s*,\\s*"));
        for (String item : any.split(list.trim())) {
            if (item.equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** This destination's retries, read by the dead-letter policy instead of {@code processing.*}. */
    public void retries(Exchange exchange, int maxAttempts, long delayMillis, double multiplier, long maxDelayMillis,
                        double jitter) {
        exchange.setProperty(DeadLetterPolicy.RETRIES, new Retries(maxAttempts, delayMillis, multiplier, maxDelayMillis, jitter));
    }

    /**
     * Turns the stored event into what the destination receives, with only the headers it should see:
     * {@code structured} (default) sends the CloudEvent JSON as {@code application/cloudevents+json};
     * {@code binary} sends {@code data} as the body and the attributes as {@code ce-*} headers (HTTP binding).
     * A {@code kafka:} destination gets the room id as record key, so a room's events stay in one partition, in order.
     */
    public void prepare(Exchange exchange, String mode, String uri) {
        Message message = exchange.getMessage();
        String json = message.getBody(String.class);
        String room = message.getHeader(EventHeaders.ROOM_ID, String.class);
        String group = message.getHeader(EventHeaders.GROUP_ID, String.class);
        String id = idOf(exchange, json);
        message.removeHeaders("*");
        if ("binary".equalsIgnoreCase(mode == null ? "" : mode.trim())) {
            CloudEvent event = CloudEventEnvelope.format().deserialize(json.getBytes(StandardCharsets.UTF_8));
            HttpMessageFactory.createWriter(message::setHeader, message::setBody).writeBinary(event);
        } else if (mode == null || mode.isBlank() || "structured".equalsIgnoreCase(mode.trim())) {
            message.setBody(json);
            message.setHeader(Exchange.CONTENT_TYPE, CloudEventEnvelope.CONTENT_TYPE);
        } else {
            throw new IllegalArgumentException("mode must be structured or binary, not '" + mode + "'");
        }
        String scheme = uri == null ? "" : uri.trim().toLowerCase(java.util.Locale.ROOT);
        if (scheme.startsWith("http:") || scheme.startsWith("https:")) {
            message.setHeader(Exchange.HTTP_METHOD, "POST");
        } else if (scheme.startsWith("kafka:") && room != null) {
            message.setHeader("kafka.KEY", room);
        } else if (scheme.startsWith("jms:") && group != null) {
            message.setHeader(EventHeaders.GROUP_ID, group);
        }
        // the id receivers dedupe on, whatever the mode and even unsigned (Standard Webhooks' webhook-id)
        message.setHeader(StandardWebhooks.ID, id);
    }

    /**
     * Signs the body that goes out (after any transformation) with the secret(s) in {@link #SECRET}
     * (Standard Webhooks); the body becomes the exact UTF-8 bytes that were signed.
     */
    public void sign(Exchange exchange) {
        Message message = exchange.getMessage();
        byte[] body = message.getBody(byte[].class);
        message.setBody(body == null ? new byte[0] : body);
        String secret = exchange.getProperty(SECRET, String.class);
        if (secret == null || secret.isBlank()) {
            return;
        }
        StandardWebhooks signer = signers.computeIfAbsent(secret, StandardWebhooks::new);
        long timestamp = System.currentTimeMillis() / 1000;
        String id = message.getHeader(StandardWebhooks.ID, String.class);
        message.setHeader(StandardWebhooks.TIMESTAMP, String.valueOf(timestamp));
        message.setHeader(StandardWebhooks.SIGNATURE, signer.sign(id, timestamp, message.getBody(byte[].class)));
    }

    /** Leaves the body as it is: the default {@code transform}. */
    public void unchanged(Exchange exchange) {
    }

    private static String idOf(Exchange exchange, String json) {
        String key = exchange.getMessage().getHeader(EventHeaders.EVENT_KEY, String.class);
        if (key != null) {
            return key;
        }
        return CloudEventEnvelope.format().deserialize(json.getBytes(StandardCharsets.UTF_8)).getId();
    }
}
