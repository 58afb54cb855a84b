package dev.wbxt.router.recording;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * What the recording leaves out of a line, applied to the line's JSON before it is written (README "Recording and
 * replay"). Always: the value of every field named like a credential ({@link #SECRET_FIELDS}, e.g. a webhook's
 * {@code secret} in a {@code listWebhooks} answer) becomes {@value #SECRET}; no header of any request is ever part of
 * a line. With {@code text}: message text ({@link #TEXT_FIELDS} anywhere: a message's, a reply's, a card's) and every
 * string a card submit's {@code inputs} hold become {@value #TEXT}. With {@code emails}: every email address in any
 * string becomes a pseudonym {@code <12 hex>@redacted.invalid}, the same for one address within one run of the
 * service (an HMAC with a key made at start and never written), so that a reader can still tell people apart.
 */
public final class Redaction {
    /** The parts {@code recording.redact} may list. */
    public enum Part {
        TEXT, EMAILS;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String SECRET = "***";
    static final String TEXT = "[redacted]";
    static final String PSEUDONYM_DOMAIN = "@redacted.invalid";
    /** Field names (lower case) whose values are never written. */
    static final Set<String> SECRET_FIELDS = Set.of("secret", "token", "password", "authorization", "accesstoken",
            "apikey");
    /** Field names whose text values are a message's words: Webex messages, replies, Adaptive Cards. */
    static final Set<String> TEXT_FIELDS = Set.of("text", "markdown", "html", "value", "fallbackText");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");

    private final Set<Part> parts;
    private final byte[] key;

    private Redaction(Set<Part> parts, byte[] key) {
        this.parts = parts;
        this.key = key;
    }

    /** Redaction of these parts, with a new pseudonym key. */
    public static Redaction of(Set<Part> parts) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new Redaction(parts.isEmpty() ? EnumSet.noneOf(Part.class) : EnumSet.copyOf(parts), key);
    }

    /** The parts named in {@code labels} ({@code text}, {@code emails}); null when one is not a part. */
    static Set<Part> parts(List<String> labels) {
        Set<Part> parts = EnumSet.noneOf(Part.class);
        for (String label : labels) {
            Part part = null;
            for (Part p : Part.values()) {
                if (p.label().equals(label.toLowerCase(Locale.ROOT))) {
                    part = p;
                }
            }
            if (part == null) {
                return null;
            }
            parts.add(part);
        }
        return parts;
    }

    public Set<Part> parts() {
        return parts;
    }

    /** The labels of the parts, as the header of a recording lists them. */
    List<String> labels() {
        List<String> labels = new ArrayList<>();
        parts.forEach(p -> labels.add(p.label()));
        return labels;
    }

    /** Redacts {@code node} in place (a tree of the line's own: the exchange's maps are never touched). */
    void apply(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String name = field.getKey();
                JsonNode value = field.getValue();
                if (SECRET_FIELDS.contains(name.toLowerCase(Locale.ROOT)) && !value.isNull()) {
                    field.setValue(TextNode.valueOf(SECRET));
                } else if (parts.contains(Part.TEXT) && value.isTextual() && TEXT_FIELDS.contains(name)) {
                    field.setValue(TextNode.valueOf(TEXT));
                } else if (parts.contains(Part.TEXT) && "inputs".equals(name)) {
                    everyString(value);
                } else if (value.isTextual()) {
                    field.setValue(TextNode.valueOf(emails(value.asText())));
                } else {
                    apply(value);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, TextNode.valueOf(emails(array.get(i).asText())));
                } else {
                    apply(array.get(i));
                }
            }
        }
    }

    /** Every string under {@code node} becomes {@value #TEXT}. */
    private static void everyString(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.fields().forEachRemaining(f -> {
                if (f.getValue().isTextual()) {
                    f.setValue(TextNode.valueOf(TEXT));
                } else {
                    everyString(f.getValue());
                }
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, TextNode.valueOf(TEXT));
                } else {
                    everyString(array.get(i));
                }
            }
        }
    }

    private String emails(String text) {
        if (!parts.contains(Part.EMAILS) || text.indexOf('@') < 0) {
            return text;
        }
        Matcher m = EMAIL.matcher(text);
        return m.replaceAll(found -> Matcher.quoteReplacement(pseudonym(found.group())));
    }

    /** Already a pseudonym (a replay redacts what it was given, redacted): kept as it is. */
    private String pseudonym(String email) {
        if (email.toLowerCase(Locale.ROOT).endsWith(PSEUDONYM_DOMAIN)) {
            return email;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal(email.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6) + PSEUDONYM_DOMAIN;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
