package dev.wbxt.router.recording;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wbxt.router.ingest.RejectedWebhook;
import dev.wbxt.router.ingest.WebhookNotification;

/**
 * A recording as a replay reads it ({@link RecordingFormat}), checked whole before anything starts: every line
 * JSON, a header first, a version this code reads, each event with its fields and a notification the receiver
 * would take. Anything else is a {@link RecordingException} naming the line; the file itself is only read.
 * An event recorded more than once (processed again after a restart) is replayed once, against its first line.
 */
public final class Recording {
    /** One recorded event: its line in the file, its dedupe key, the line's JSON. */
    public record Event(int line, String key, ObjectNode json) {
        /** The notification as it is delivered again: the recorded JSON, as bytes. */
        byte[] notification() {
            try {
                return RecordingFormat.JSON.writeValueAsBytes(json.get(RecordingFormat.NOTIFICATION));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e); // a tree read from JSON is JSON
            }
        }
    }

    // strict as the receiver is: content after a line's object is an error
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private final Path file;
    private final List<Event> events;
    private final Set<Redaction.Part> redacted;
    private final List<Integer> repeatedLines;

    private Recording(Path file, List<Event> events, Set<Redaction.Part> redacted, List<Integer> repeatedLines) {
        this.file = file;
        this.events = events;
        this.redacted = redacted;
        this.repeatedLines = repeatedLines;
    }

    public static Recording read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RecordingException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new RecordingException(file + " is not UTF-8 text: not a recording");
        } catch (IOException e) {
            throw new RecordingException(file + " cannot be read: " + e);
        }
        Map<String, Event> events = new LinkedHashMap<>();
        Set<Redaction.Part> redacted = EnumSet.noneOf(Redaction.Part.class);
        List<Integer> repeated = new ArrayList<>();
        boolean header = false;
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            if (lines.get(i).isBlank()) {
                continue;
            }
            ObjectNode line = object(file, number, lines.get(i));
            if (line.has(RecordingFormat.HEADER)) {
                redacted.addAll(header(file, number, line));
                header = true;
            } else if (!header) {
                throw new RecordingException(file + " line " + number + ": a recording starts with its header "
                        + "{\"recording\":\"" + RecordingFormat.FORMAT + "\",\"version\":" + RecordingFormat.VERSION
                        + ",...}; this line is not one (is it a recording of webex-event-router?)");
            } else {
                Event event = event(file, number, line);
                if (events.putIfAbsent(event.key(), event) != null) {
                    repeated.add(number);
                }
            }
        }
        if (!header) {
            throw new RecordingException(file + " is empty: a recording starts with its header line");
        }
        if (events.isEmpty()) {
            throw new RecordingException(file + " holds no event to replay (only its header)");
        }
        return new Recording(file, List.copyOf(events.values()), redacted, List.copyOf(repeated));
    }

    private static ObjectNode object(Path file, int number, String text) {
        JsonNode node;
        try {
            node = STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            throw new RecordingException(file + " line " + number + " is not JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw new RecordingException(file + " line " + number + " is not a JSON object");
        }
        return object;
    }

    /** The header's redacted parts, after its format and version are checked. */
    private static Set<Redaction.Part> header(Path file, int number, ObjectNode line) {
        String where = file + " line " + number + ": ";
        if (!RecordingFormat.FORMAT.equals(line.path(RecordingFormat.HEADER).asText())) {
            throw new RecordingException(where + "not a recording of " + RecordingFormat.FORMAT + " (\"recording\": "
                    + line.get(RecordingFormat.HEADER) + ")");
        }
        JsonNode version = line.get("version");
        if (version == null) {
            throw new RecordingException(where + "the header has no \"version\"");
        }
        if (!version.isInt() || version.intValue() != RecordingFormat.VERSION) {
            throw new RecordingException(where + "recording version " + version + " is not known: this replay reads "
                    + "version " + RecordingFormat.VERSION);
        }
        List<String> labels = new ArrayList<>();
        line.path("redacted").forEach(label -> labels.add(label.asText()));
        Set<Redaction.Part> parts = Redaction.parts(labels);
        if (parts == null) {
            throw new RecordingException(where + "\"redacted\" may list text and emails, not " + line.get("redacted"));
        }
        return parts;
    }

    private static Event event(Path file, int number, ObjectNode line) {
        String where = file + " line " + number + ": ";
        for (String field : RecordingFormat.EVENT_FIELDS) {
            if (!line.has(field)) {
                throw new RecordingException(where + "\"" + field + "\" is missing (every event has "
                        + String.join(", ", RecordingFormat.EVENT_FIELDS) + ")");
            }
            boolean object = field.equals(RecordingFormat.NOTIFICATION);
            if (object ? !line.get(field).isObject() : !line.get(field).isArray()) {
                throw new RecordingException(where + "\"" + field + "\" must be " + (object ? "an object" : "a list"));
            }
        }
        for (JsonNode call : line.get(RecordingFormat.WEBEX)) {
            if (!call.path("operation").isTextual()) {
                throw new RecordingException(where + "each of \"webex\" needs its \"operation\": " + call);
            }
        }
        WebhookNotification notification;
        try {
            notification = WebhookNotification.parse(RecordingFormat.JSON.writeValueAsBytes(line.get(RecordingFormat.NOTIFICATION)));
        } catch (RejectedWebhook e) {
            throw new RecordingException(where + "the notification is not one the receiver takes: " + e.getMessage());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new Event(number, notification.dedupeKey(), line);
    }

    public Path file() {
        return file;
    }

    public List<Event> events() {
        return events;
    }

    /** What the recording left out ({@code recording.redact} when it was made): the replay leaves the same out. */
    public Set<Redaction.Part> redacted() {
        return redacted;
    }

    /** Lines of events recorded before (the same key): not replayed. */
    public List<Integer> repeatedLines() {
        return repeatedLines;
    }

    /** The bot as the recording's first {@code me} answer shows it; null when none was recorded. */
    public Map<String, Object> bot() {
        for (Event event : events) {
            for (JsonNode call : event.json().get(RecordingFormat.WEBEX)) {
                if ("me".equals(call.path("operation").asText()) && call.path("answer").isObject()) {
                    return RecordingFormat.JSON.convertValue(call.get("answer"), Map.class);
                }
            }
        }
        return null;
    }
}
