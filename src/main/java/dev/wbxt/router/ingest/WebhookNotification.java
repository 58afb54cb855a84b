package dev.wbxt.router.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.wbxt.router.webex.WebexIds;

/**
 * What the receiver needs to know about a verified webhook body before it stores it: that it is a Webex
 * notification, that every id that may later reach a URL is a Webex id, its dedupe key and its ordering group.
 */
public record WebhookNotification(String json, String resource, String event, String dataId, String roomId,
                                  String dedupeKey) {

    /** The fields whose values are spliced into Webex API URLs by the routes, when present. */
    private static final List<String> ENVELOPE_IDS = List.of("id", "actorId", "createdBy", "orgId", "appId");
    private static final List<String> DATA_IDS = List.of("id", "roomId", "personId", "messageId", "parentId");
    private static final Pattern NAME = Pattern.compile("[A-Za-z]{1,40}");

    // Strict parsing, so that every later reader sees what was verified: duplicate keys and content after the
    // document are errors (two readers could disagree on which part counts), nesting and numbers are bounded.
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(100).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    public static WebhookNotification parse(byte[] body) {
        String json;
        try {
            // JSON is UTF-8 (RFC 8259): decode strictly once, and parse and store that same text.
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw bad("invalid_json", "body is not UTF-8");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw bad("invalid_json", "body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw bad("not_a_notification", "body is not a JSON object");
        }
        String resource = text(root, "resource");
        String event = text(root, "event");
        JsonNode data = root.get("data");
        if (resource == null || event == null || data == null || !data.isObject() || text(data, "id") == null) {
            throw bad("not_a_notification", "not a Webex notification: resource, event and data.id are required");
        }
        if (!NAME.matcher(resource).matches() || !NAME.matcher(event).matches()) {
            throw bad("not_a_notification", "resource and event must be plain words");
        }
        checkIds(root, ENVELOPE_IDS, "");
        checkIds(data, DATA_IDS, "data.");
        String dataId = data.get("id").asText();
        String roomId = text(data, "roomId");
        if (roomId == null && "rooms".equals(resource)) {
            roomId = dataId;
        }
        return new WebhookNotification(json, resource, event, dataId, roomId, dedupeKey(resource, event, dataId, data));
    }

    /**
     * {@code resource:event:data.id}: the same event delivered twice or by two webhooks has the same key (the envelope
     * id is the webhook's, not the event's). An update or delete of the same resource can happen many times, so for
     * those the key also carries a digest of {@code data}.
     */
    static String dedupeKey(String resource, String event, String dataId, JsonNode data) {
        String key = resource + ":" + event + ":" + dataId;
        if ("created".equals(event)) {
            return key;
        }
        try {
            byte[] canonical = CANONICAL.writeValueAsBytes(CANONICAL.treeToValue(data, Object.class));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical);
            return key + ":" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot digest the notification data", e);
        }
    }

    private static void checkIds(JsonNode node, List<String> fields, String prefix) {
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value != null && !value.isNull() && !(value.isTextual() && WebexIds.isValid(value.asText()))) {
                throw bad("invalid_id", prefix + field + " is not a Webex id");
            }
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }

    private static RejectedWebhook bad(String reason, String message) {
        return new RejectedWebhook(400, reason, message);
    }
}
