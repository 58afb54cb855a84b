package dev.wbxt.router.processing;

import dev.wbxt.router.ingest.EventHeaders;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wbxt.router.ops.RouterMetrics;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per processed event on the {@code wbxt.events} logger: what it was, which ids, what was
 * done, how long after it was received. Ids only: no text, no token, no secret.
 */
public class EventLog {
    private static final Logger EVENTS = LoggerFactory.getLogger("wbxt.events");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();
    /** The fields of a line, in order. */
    static final String[] FIELDS = {"resource", "event", "id", "roomId", "actorId", "outcome", "latencyMs"};
    private final RouterMetrics metrics;

    public EventLog(RouterMetrics metrics) {
        this.metrics = metrics;
    }

    /** Called at the end of processing; {@code outcome} says what happened (replied, logged, ignored-own...). */
    @SuppressWarnings("unchecked")
    public void record(Exchange exchange, String outcome) {
        Map<String, Object> event = exchange.getVariable("event", Map.class);
        Map<String, Object> data = event == null ? Map.of() : (Map<String, Object>) event.getOrDefault("data", Map.of());
        Long receivedAt = exchange.getMessage().getHeader(EventHeaders.RECEIVED_AT, Long.class);
        String resource = event == null ? null : (String) event.get("resource");
        Object[] values = {resource, event == null ? null : event.get("event"), data.get("id"), data.get("roomId"),
                event == null ? null : event.get("actorId"), outcome,
                receivedAt == null ? null : System.currentTimeMillis() - receivedAt};
        metrics.processed(resource, outcome);
        EVENTS.info(line(values));
    }

    /**
     * The JSON object of {@link #FIELDS} and these values, as Jackson writes a map of them, written directly: strings
     * escaped by Jackson's own encoder, numbers and booleans as they are; anything else goes through Jackson.
     */
    static String line(Object[] values) {
        StringBuilder json = new StringBuilder(400).append('{');
        for (int i = 0; i < FIELDS.length; i++) {
            Object value = values[i];
            json.append(i == 0 ? "\"" : ",\"").append(FIELDS[i]).append("\":");
            if (value == null) {
                json.append("null");
            } else if (value instanceof String text) {
                json.append('"');
                QUOTE.quoteAsString(text, json);
                json.append('"');
            } else if (value instanceof Long || value instanceof Integer || value instanceof Boolean) {
                json.append(value);
            } else {
                return jackson(values);
            }
        }
        return json.append('}').toString();
    }

    private static String jackson(Object[] values) {
        Map<String, Object> line = new LinkedHashMap<>();
        for (int i = 0; i < FIELDS.length; i++) {
            line.put(FIELDS[i], values[i]);
        }
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            return line.toString();
        }
    }
}
