package dev.wbxt.router.forward;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Signs a delivery as the Standard Webhooks specification says (https://www.standardwebhooks.com): headers
 * {@code webhook-id}, {@code webhook-timestamp} (Unix seconds) and {@code webhook-signature}, which is
 * {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}.
 * <p>
 * A secret is the base64 of the key, with or without the {@code whsec_} prefix: the official libraries decode it
 * either way (the Java one: {@code WebhookBase(String)} strips the prefix if present, then
 * {@code Base64.getDecoder().decode}), so a receiver using them only verifies what was signed with the decoded bytes.
 * The spec's "Signing secret" row asks for "at least 24 bytes" of random key (spec/standard-webhooks.md, the
 * symmetric/asymmetric table): a shorter key or text that is not base64 is refused when the destination's route is
 * created, so a wrong secret stops the start instead of signing every delivery with a key no receiver has.
 * Several secrets (space or comma separated) sign with each key, signatures separated by a space: a receiver accepts
 * any of them, so a secret is rotated by adding the new one, moving receivers over, then removing the old one.
 */
public final class StandardWebhooks {
    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";
    /** The spec's minimum key length for HMAC-SHA256 (192 bits). */
    public static final int MIN_KEY_BYTES = 24;
    private static final String PREFIX = "whsec_";

    private final List<byte[]> keys;

    /**
     * @param secrets the destination's secrets, space or comma separated; empty: unsigned
     * @throws IllegalArgumentException when one is not base64 or decodes to fewer than {@value #MIN_KEY_BYTES} bytes
     *         (the message says which one by its position, never the secret itself)
     */
    public StandardWebhooks(String secrets) {
        List<byte[]> parsed = new ArrayList<>();
        String[] all = secrets == null || secrets.isBlank() ? new String[0] : secrets.trim().split("[\\s,]+");
        for (int i = 0; i < all.length; i++) {
            parsed.add(key(all[i], all.length == 1 ? "the secret" : "secret " + (i + 1) + " of " + all.length));
        }
        this.keys = List.copyOf(parsed);
    }

    private static byte[] key(String secret, String which) {
        String encoded = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException("secret: " + which + " is not base64 (Standard Webhooks secrets are "
                    + "whsec_<base64 of at least " + MIN_KEY_BYTES + " random bytes>, e.g. whsec_$(openssl rand -base64 32))");
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("secret: " + which + " is a " + key.length + "-byte key; Standard Webhooks "
                    + "asks for at least " + MIN_KEY_BYTES + " random bytes (e.g. whsec_$(openssl rand -base64 32))");
        }
        return key;
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /**
     * A {@code bean:} step, the last before the send: the body becomes the exact UTF-8 bytes that go out (after any
     * transformation) and, with secrets, is signed over those bytes with the {@code webhook-id} already set.
     */
    public void sign(Exchange exchange) {
        Message message = exchange.getMessage();
        byte[] body = message.getBody(byte[].class);
        message.setBody(body == null ? new byte[0] : body);
        if (keys.isEmpty()) {
            return;
        }
        long timestamp = System.currentTimeMillis() / 1000;
        message.setHeader(TIMESTAMP, String.valueOf(timestamp));
        message.setHeader(SIGNATURE, sign(message.getHeader(ID, String.class), timestamp, message.getBody(byte[].class)));
    }

    /** The {@code webhook-signature} value: one {@code v1,<base64>} per secret, separated by a space. */
    public String sign(String id, long timestampSeconds, byte[] body) {
        List<String> signatures = new ArrayList<>();
        for (byte[] key : keys) {
            signatures.add("v1," + Base64.getEncoder().encodeToString(hmac(key, id, timestampSeconds, body)));
        }
        return String.join(" ", signatures);
    }

    static byte[] hmac(byte[] key, String id, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Never the keys: this object sits in a route's local registry, which may be dumped. */
    @Override
    public String toString() {
        return "StandardWebhooks[" + keys.size() + " key(s)]";
    }
}
