package dev.wbxt.router.toolkit.cards;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.wbxt.router.bot.EchoReplies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reply that is an Adaptive Card made from a template: the Webex message ({@code roomId}, {@code parentId} when the
 * message is in a thread, a plain-text {@code text} for clients that cannot show cards, and
 * {@code attachments[0]} with {@code contentType application/vnd.microsoft.card.adaptive}). When no card can be made
 * (the template is missing or broken, the data is not JSON or does not fit, the card is not an Adaptive Card or is
 * over {@code bot.templates.max-card-bytes}), one log line says why and the reply is the plain-text
 * {@code bot.templates.failure-text}: a broken card is never sent.
 */
public class CardReplies {
    private static final Logger LOG = LoggerFactory.getLogger(CardReplies.class);

    /** The {@code bot.templates.*} settings of replies. */
    public record Settings(int maxCardBytes, String fallbackText, String failureText) {
    }

    private final CardTemplates templates;
    private final Settings settings;

    public CardReplies(CardTemplates templates, Settings settings) {
        this.templates = templates;
        this.settings = settings;
    }

    public CardTemplates templates() {
        return templates;
    }

    /**
     * The reply to {@code about} (the message, or the card action, being answered) with the card of {@code template}
     * bound to {@code data} ({@code $root}); {@code eventKey} names the event in the log line of a failure.
     */
    public Map<String, Object> reply(Map<String, Object> about, String template, Object data, Object eventKey) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("roomId", about == null ? null : about.get("roomId"));
        if (about != null && about.get("parentId") != null) {
            reply.put("parentId", about.get("parentId"));
        }
        try {
            Map<String, Object> card = card(template, data);
            Object fallback = card.get("fallbackText");
            String text = fallback instanceof String s && !s.isBlank() ? s
                    : settings.fallbackText().replace("{template}", String.valueOf(template));
            reply.put("text", fit(text, EchoReplies.MAX_MESSAGE_BYTES));
            reply.put("attachments", List.of(Map.of("contentType", EchoReplies.CARD_CONTENT_TYPE, "content", card)));
        } catch (CardTemplateException e) {
            LOG.error("Card template {}: no card was sent for event {}: {}. Answered with the plain-text fallback.",
                    template, eventKey, e.getMessage());
            reply.put("markdown", fit(settings.failureText().replace("{template}", String.valueOf(template)),
                    EchoReplies.MAX_MESSAGE_BYTES));
        }
        return reply;
    }

    /** The card: the template expanded, checked to be an Adaptive Card within the size limit. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> card(String template, Object data) throws CardTemplateException {
        CardTemplate t = templates.get(template);
        Set<String> unresolved = new LinkedHashSet<>();
        Object expanded = t.expand(data(data), unresolved::add);
        if (!(expanded instanceof Map<?, ?> card) || !"AdaptiveCard".equals(card.get("type"))) {
            throw new CardTemplateException("the data does not fit: the expanded template is "
                    + describe(expanded) + ", not an Adaptive Card (an object with \"type\": \"AdaptiveCard\")");
        }
        for (String list : List.of("body", "actions")) {
            if (card.containsKey(list) && !(card.get(list) instanceof List<?>)) {
                throw new CardTemplateException("the data does not fit: the card's " + list + " is " + describe(card.get(list))
                        + ", not a list");
            }
        }
        int bytes;
        try {
            bytes = CardTemplates.JSON.writeValueAsString(card).getBytes(StandardCharsets.UTF_8).length;
        } catch (JsonProcessingException e) {
            throw new CardTemplateException("the card cannot be written as JSON: " + e.getOriginalMessage());
        }
        if (bytes > settings.maxCardBytes()) {
            throw new CardTemplateException("the card is " + bytes + " bytes, over bot.templates.max-card-bytes ("
                    + settings.maxCardBytes() + ")");
        }
        if (!unresolved.isEmpty()) {
            LOG.warn("Card template {}: the data has no value for {}: written as is, as Microsoft's SDK does",
                    template, unresolved.stream().map(p -> "${" + p + "}").toList());
        }
        return (Map<String, Object>) card;
    }

    private static Object data(Object data) throws CardTemplateException {
        if (data == null) {
            throw new CardTemplateException("the data does not fit: it is null");
        }
        if (data instanceof String s) {
            try {
                return CardTemplates.JSON.readValue(s, Object.class);
            } catch (JsonProcessingException e) {
                throw new CardTemplateException("the data does not fit: it is text that is not JSON ("
                        + e.getOriginalMessage() + ")");
            }
        }
        if (data instanceof Map<?, ?> || data instanceof List<?> || data instanceof Number || data instanceof Boolean) {
            return data;
        }
        try {
            return CardTemplates.JSON.convertValue(data, Object.class);
        } catch (IllegalArgumentException e) {
            throw new CardTemplateException("the data does not fit: a " + data.getClass().getSimpleName()
                    + " is not JSON data");
        }
    }

    private static String describe(Object value) {
        if (value == null) {
            return "nothing (null)";
        }
        if (value instanceof List<?> l) {
            return "a list of " + l.size();
        }
        if (value instanceof Map<?, ?>) {
            return "an object without \"type\": \"AdaptiveCard\"";
        }
        return "a " + value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    /** The longest prefix within maxBytes of UTF-8, never splitting a character (Webex refuses longer texts). */
    static String fit(String s, int maxBytes) {
        if (s.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return s;
        }
        int used = 0;
        int end = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + size > maxBytes - 3) {
                break;
            }
            used += size;
            end += Character.charCount(cp);
        }
        return s.substring(0, end) + "…";
    }
}
