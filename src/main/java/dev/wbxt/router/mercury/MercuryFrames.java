package dev.wbxt.router.mercury;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a Mercury frame means to the service: a pure function from the frame's JSON to the notification a webhook
 * would have carried for the same event, so that everything after the socket (the store, its dedupe key, the
 * routes) cannot tell the two apart. The mapping (undocumented by Webex; see the README's "Websocket mode" for the
 * sources):
 * <ul>
 * <li>only {@code data.eventType = conversation.activity} with {@code verb} {@code post} or {@code share} (a
 *     message, {@code messages/created}) or {@code cardAction} (a card submit, {@code attachmentActions/created})
 *     is an event; typing, read receipts, other verbs and other event types are not;</li>
 * <li>ids: the REST id is the unpadded base64url of {@code ciscospark://us/<KIND>/<uuid>}: MESSAGE and
 *     ATTACHMENT_ACTION from {@code activity.id}, ROOM from {@code target.id}, PEOPLE from {@code actor.id}, the
 *     card's MESSAGE from {@code parent.id};</li>
 * <li>the text is end-to-end encrypted in the frame: the routes fetch the message by id, as for a webhook.</li>
 * </ul>
 */
public final class MercuryFrames {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Mercury's ids are UUIDs; anything else is not spliced into an id (and never reaches a URL). */
    private static final Pattern UUID_LIKE = Pattern.compile("[0-9A-Fa-f-]{8,64}");

    /** A frame: its id (what the acknowledgement names; null when it has none) and the notification, if any. */
    public record Frame(String id, Optional<String> notification) {
    }

    private MercuryFrames() {
    }

    /** Reads one frame; text that is not a JSON object is a frame without id or event. */
    public static Frame read(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return new Frame(null, Optional.empty());
        }
        if (root == null || !root.isObject()) {
            return new Frame(null, Optional.empty());
        }
        String id = root.path("id").isTextual() ? root.path("id").asText() : null;
        return new Frame(id, notification(root.path("data")));
    }

    static Optional<String> notification(JsonNode data) {
        if (!"conversation.activity".equals(data.path("eventType").asText())) {
            return Optional.empty();
        }
        JsonNode activity = data.path("activity");
        String verb = activity.path("verb").asText();
        String resource = switch (verb) {
            case "post", "share" -> "messages";
            case "cardAction" -> "attachmentActions";
            default -> null;
        };
        String activityId = uuid(activity.path("id"));
        String roomId = uuid(activity.path("target").path("id"));
        String actorId = uuid(activity.path("actor").path("id"));
        if (resource == null || activityId == null || roomId == null || actorId == null
                || !"conversation".equals(activity.path("target").path("objectType").asText("conversation"))) {
            return Optional.empty();
        }
        String personId = restId("PEOPLE", actorId);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("resource", resource);
        event.put("event", "created");
        event.put("actorId", personId);
        Map<String, Object> d = new LinkedHashMap<>();
        if ("messages".equals(resource)) {
            d.put("id", restId("MESSAGE", activityId));
            d.put("roomId", restId("ROOM", roomId));
            d.put("roomType", activity.path("target").path("tags").toString().contains("ONE_ON_ONE") ? "direct" : "group");
            d.put("personId", personId);
            String email = activity.path("actor").path("emailAddress").asText("");
            if (!email.isEmpty()) {
                d.put("personEmail", email);
            }
        } else {
            d.put("id", restId("ATTACHMENT_ACTION", activityId));
            d.put("type", "submit");
            String parent = uuid(activity.path("parent").path("id"));
            if (parent != null) {
                d.put("messageId", restId("MESSAGE", parent));
            }
            d.put("personId", personId);
            d.put("roomId", restId("ROOM", roomId));
        }
        String published = activity.path("published").asText("");
        if (!published.isEmpty()) {
            d.put("created", published);
        }
        event.put("data", d);
        try {
            return Optional.of(JSON.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code ciscospark://us/<kind>/<uuid>} as unpadded base64url: the id the REST API knows the object by. */
    public static String restId(String kind, String uuid) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("ciscospark://us/" + kind + "/" + uuid).getBytes(StandardCharsets.UTF_8));
    }

    private static String uuid(JsonNode node) {
        String value = node.isTextual() ? node.asText() : null;
        return value != null && UUID_LIKE.matcher(value).matches() ? value : null;
    }

    /** The acknowledgement Mercury expects for frame {@code id}. */
    public static String ack(String id) {
        return "{\"type\":\"ack\",\"messageId\":" + quote(id) + "}";
    }

    /** The first frame on a new socket. */
    public static String authorization(String frameId, String token) {
        return "{\"id\":" + quote(frameId) + ",\"type\":\"authorization\",\"data\":{\"token\":" + quote("Bearer " + token) + "}}";
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
