package dev.wbxt.router.bot;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;

/**
 * The replies of the Webex lab's echo bot, built from what the routes fetched. Kept in Java because a Webex
 * message has a hard 7439-byte limit and a reply must be cut to fit, on a character boundary.
 */
public class EchoReplies {
    public static final int MAX_MESSAGE_BYTES = 7439;
    public static final String CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String TRUNCATED = "\n… (truncated)";

    /**
     * A {@code bean:} step: sets {@code ${variable.reply}} to {@link #echo} of the exchange's variables (a
     * {@code method:} expression would run it on a copy of the whole exchange).
     */
    @SuppressWarnings("unchecked")
    public void replyEcho(Exchange exchange) {
        exchange.setVariable("reply", echo(exchange.getVariable("event", Map.class), exchange.getVariable("message", Map.class),
                exchange.getVariable("room", Map.class), exchange.getVariable("sender", Map.class)));
    }

    /** A message whose text is an Adaptive Card comes back as that card; any other is echoed with its webhook. */
    public Map<String, Object> echo(@Variable("event") Map<String, Object> event,
                                    @Variable("message") Map<String, Object> message,
                                    @Variable("room") Map<String, Object> room,
                                    @Variable("sender") Map<String, Object> sender) {
        String text = String.valueOf(message.getOrDefault("text", ""));
        Map<String, Object> card = adaptiveCard(text);
        if (card != null) {
            return Map.of("roomId", message.get("roomId"),
                    "text", "Your Adaptive Card (this client cannot show cards)",
                    "attachments", List.of(Map.of("contentType", CARD_CONTENT_TYPE, "content", card)));
        }
        String footer = "\n**Room:** " + room.getOrDefault("title", "(untitled)")
                + "\n**" + displayName(sender, message.get("personEmail")) + " said:** ";
        String head = "Webhook `" + event.get("resource") + "/" + event.get("event") + "` received:\n```json\n";
        return markdownReply(message.get("roomId"), head, pretty(event), "\n```" + footer, text);
    }

    /** A card submit is answered with the inputs the user entered. */
    public Map<String, Object> cardSubmitted(@Variable("action") Map<String, Object> action,
                                             @Variable("sender") Map<String, Object> sender) {
        String head = "**" + displayName(sender, null) + " submitted the card:**\n```json\n";
        return markdownReply(action.get("roomId"), head, pretty(action.getOrDefault("inputs", Map.of())), "\n```", "");
    }

    /** head + block + tail + text, with the block (then the text) cut so the whole fits Webex's limit. */
    static Map<String, Object> markdownReply(Object roomId, String head, String block, String tail, String text) {
        int fixed = bytes(head) + bytes(tail);
        String fittedText = fit(text, Math.max(0, (MAX_MESSAGE_BYTES - fixed) / 2));
        String fittedBlock = fit(block, MAX_MESSAGE_BYTES - fixed - bytes(fittedText));
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("roomId", roomId);
        reply.put("markdown", head + fittedBlock + tail + fittedText);
        return reply;
    }

    /** The longest prefix of s within maxBytes of UTF-8, marked when cut; never splits a character. */
    static String fit(String s, int maxBytes) {
        if (bytes(s) <= maxBytes) {
            return s;
        }
        int budget = maxBytes - bytes(TRUNCATED);
        if (budget <= 0) {
            return "";
        }
        int used = 0;
        int end = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + size > budget) {
                break;
            }
            used += size;
            end += Character.charCount(cp);
        }
        return s.substring(0, end) + TRUNCATED;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> adaptiveCard(String text) {
        String trimmed = text.trim();
        if (!trimmed.startsWith("{")) {
            return null;
        }
        try {
            Map<String, Object> parsed = JSON.readValue(trimmed, Map.class);
            return "AdaptiveCard".equals(parsed.get("type")) ? parsed : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String displayName(Map<String, Object> person, Object fallback) {
        Object name = person == null ? null : person.get("displayName");
        return String.valueOf(name != null ? name : fallback != null ? fallback : "someone");
    }

    private static String pretty(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
