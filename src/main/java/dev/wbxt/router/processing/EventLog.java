package dev.wbxt.router.processing;

import dev.wbxt.router.EventHeaders;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
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
        Map<String, Object> line = new LinkedHashMap<>();
        String resource = event == null ? null : (String) event.get("resource");
        line.put("resource", resource);
        line.put("event", event == null ? null : event.get("event"));
        line.put("id", data.get("id"));
        line.put("roomId", data.get("roomId"));
        line.put("actorId", event == null ? null : event.get("actorId"));
        line.put("outcome", outcome);
        line.put("latencyMs", receivedAt == null ? null : System.currentTimeMillis() - receivedAt);
        metrics.processed(resource, outcome);
        try {
            EVENTS.info(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            EVENTS.info(line.toString());
        }
    }
}
