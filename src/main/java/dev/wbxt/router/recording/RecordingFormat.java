package dev.wbxt.router.recording;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wbxt.router.webex.WebexApiException;
import io.cloudevents.CloudEvent;

/**
 * The recording's lines (JSON lines, README "Recording and replay"), version {@value #VERSION}; the one place that
 * writes them ({@link Recording} reads them). Every file starts with a header, and a header is written again
 * whenever the file is opened (a start, a rotation), so any part of a recording can be replayed on its own:
 * <pre>
 * {"recording":"webex-event-router","version":1,"redacted":[],"started":"2026-12-01T10:00:00Z"}
 * {"key":"messages:created:…","recorded":"…","notification":{…the webhook…},
 *  "webex":[{"operation":"getMessage","id":"…","answer":{…}},{"operation":"getPerson","id":"…","status":404,"error":"…"}],
 *  "replies":[{"roomId":"…","markdown":"…"}],
 *  "forwards":[{"id":"…","source":"…","type":"com.webex.messages.created","subject":"…","time":"…","data":{…}}]}
 * </pre>
 */
public final class RecordingFormat {
    public static final int VERSION = 1;
    static final String FORMAT = "webex-event-router";
    static final String HEADER = "recording";
    static final String NOTIFICATION = "notification";
    static final String WEBEX = "webex";
    static final String REPLIES = "replies";
    static final String FORWARDS = "forwards";
    /** The fields every event line has. */
    static final List<String> EVENT_FIELDS = List.of(NOTIFICATION, WEBEX, REPLIES, FORWARDS);
    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RecordingFormat() {
    }

    static ObjectNode header(Redaction redaction, Instant started) {
        ObjectNode header = NODES.objectNode();
        header.put(HEADER, FORMAT);
        header.put("version", VERSION);
        ArrayNode redacted = header.putArray("redacted");
        redaction.labels().forEach(redacted::add);
        header.put("started", started.toString());
        return header;
    }

    /** The line of one processed event, redacted. */
    static ObjectNode event(RecordedEvent event, Redaction redaction) {
        ObjectNode line = NODES.objectNode();
        line.put("key", event.key());
        line.put("recorded", Instant.ofEpochMilli(event.startedMillis()).toString());
        line.set(NOTIFICATION, json(event.notification()));
        ArrayNode calls = line.putArray(WEBEX);
        for (RecordedEvent.Call call : event.calls()) {
            ObjectNode c = calls.addObject();
            c.put("operation", call.operation().name());
            if (call.id() != null) {
                c.put("id", call.id());
            }
            if (call.request() != null) {
                c.set("request", json(call.request()));
            }
            if (call.failure() == null) {
                c.set("answer", json(call.answer()));
            } else {
                c.put("status", call.failure() instanceof WebexApiException w ? w.getStatus() : 0);
                c.put("error", String.valueOf(call.failure().getMessage()));
            }
        }
        ArrayNode replies = line.putArray(REPLIES);
        event.replies().forEach(reply -> replies.add(json(reply)));
        ArrayNode forwards = line.putArray(FORWARDS);
        event.forwards().forEach(cloudEvent -> forwards.add(forward(cloudEvent)));
        redaction.apply(line);
        return line;
    }

    /** A CloudEvent's attributes and its data, as JSON (the envelope's extensions, such as a trace, are left out). */
    private static ObjectNode forward(CloudEvent event) {
        ObjectNode f = NODES.objectNode();
        f.put("id", event.getId());
        f.put("source", event.getSource().toString());
        f.put("type", event.getType());
        if (event.getSubject() != null) {
            f.put("subject", event.getSubject());
        }
        if (event.getTime() != null) {
            f.put("time", event.getTime().toString());
        }
        f.set("data", event.getData() == null ? NODES.nullNode() : json(event.getData().toBytes()));
        return f;
    }

    /** A map, a list, or JSON text (a String or its bytes) as a tree of its own. */
    static JsonNode json(Object value) {
        try {
            if (value instanceof String text) {
                return JSON.readTree(text);
            }
            if (value instanceof byte[] bytes) {
                return JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
            }
            return value == null ? NODES.nullNode() : JSON.valueToTree(value instanceof Map<?, ?> || value instanceof List<?>
                    ? value : String.valueOf(value));
        } catch (JsonProcessingException | IllegalArgumentException notJson) {
            return NODES.textNode(String.valueOf(value)); // a body that is not JSON: kept as the text it is
        }
    }
}
