package dev.wbxt.router.recording;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a replay compares, per event (README "Recording and replay"): what the routes did, nothing they were given.
 * <ul>
 * <li>each reply, in order: the whole body sent to {@code POST /messages} ({@code roomId}, {@code text},
 * {@code markdown}, {@code attachments}, {@code parentId}, {@code toPersonEmail}…);</li>
 * <li>each forward, in order: the CloudEvent's {@code type}, {@code subject} and {@code data} (the webhook and what
 * the routes fetched for it). Its {@code id} and {@code source} follow from the notification and the settings, its
 * {@code time} may be the time of receipt, its trace changes with every run: not compared.</li>
 * </ul>
 * The Webex answers are what the replay gives the routes, so they are never a difference; the Webex answers to the
 * replies (the new message's id and time) are not recorded at all.
 */
final class ReplayDiff {
    /** Differences shown per event; the rest are counted. */
    static final int SHOWN = 20;
    private static final int VALUE_CHARS = 300;
    private static final List<String> FORWARD_FIELDS = List.of("type", "subject", "data");

    private ReplayDiff() {
    }

    /** The differences between the recorded line and the replay's, each a line naming the field and both values. */
    static List<String> compare(JsonNode recorded, JsonNode replayed) {
        List<String> out = new ArrayList<>();
        list(out, "reply", recorded.path(RecordingFormat.REPLIES), replayed.path(RecordingFormat.REPLIES), false);
        list(out, "forward", recorded.path(RecordingFormat.FORWARDS), replayed.path(RecordingFormat.FORWARDS), true);
        return out;
    }

    private static void list(List<String> out, String what, JsonNode recorded, JsonNode replayed, boolean forward) {
        int count = Math.max(recorded.size(), replayed.size());
        for (int i = 0; i < count; i++) {
            String name = what + " " + (i + 1);
            if (i >= replayed.size()) {
                out.add(name + ": recorded, not " + (forward ? "forwarded" : "sent") + " in the replay: "
                        + shown(recorded.get(i)));
            } else if (i >= recorded.size()) {
                out.add(name + ": " + (forward ? "forwarded" : "sent") + " in the replay, not recorded: "
                        + shown(replayed.get(i)));
            } else if (forward) {
                node(out, name + " ", compared(recorded.get(i)), compared(replayed.get(i)));
            } else {
                node(out, name + " ", recorded.get(i), replayed.get(i));
            }
        }
    }

    /** A forward's compared fields. */
    private static JsonNode compared(JsonNode forward) {
        ObjectNode kept = JsonNodeFactory.instance.objectNode();
        for (String field : FORWARD_FIELDS) {
            if (forward.has(field)) {
                kept.set(field, forward.get(field));
            }
        }
        return kept;
    }

    /** Field by field: objects by name, lists by position, anything else by value. */
    private static void node(List<String> out, String path, JsonNode recorded, JsonNode replayed) {
        if (recorded.equals(replayed)) {
            return;
        }
        if (recorded.isObject() && replayed.isObject()) {
            Set<String> names = new LinkedHashSet<>();
            recorded.fieldNames().forEachRemaining(names::add);
            replayed.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                node(out, join(path, name), recorded.path(name), replayed.path(name));
            }
        } else if (recorded.isArray() && replayed.isArray()) {
            for (int i = 0; i < Math.max(recorded.size(), replayed.size()); i++) {
                node(out, path.strip() + "[" + i + "]", recorded.path(i), replayed.path(i));
            }
        } else {
            out.add(path.strip() + "\n    recorded: " + shown(recorded) + "\n    replayed: " + shown(replayed));
        }
    }

    /** {@code reply 1 } + {@code markdown} is {@code reply 1 markdown}; deeper, {@code a.b}. */
    private static String join(String path, String name) {
        return path.endsWith(" ") ? path + name : path + "." + name;
    }

    private static String shown(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "(none)";
        }
        String text = value.toString();
        return text.length() <= VALUE_CHARS ? text : text.substring(0, VALUE_CHARS) + "… (" + text.length() + " chars)";
    }

    /** The first {@link #SHOWN} differences, and how many more there are. */
    static List<String> firstOf(List<String> differences) {
        if (differences.size() <= SHOWN) {
            return differences;
        }
        List<String> shown = new ArrayList<>(differences.subList(0, SHOWN));
        shown.add("… and " + (differences.size() - SHOWN) + " more");
        return shown;
    }
}
