package dev.wbxt.router.forward;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a delivery as the Standard Webhooks specification says (https://www.standardwebhooks.com): headers
 * {@code webhook-id}, {@code webhook-timestamp} (Unix seconds) and {@code webhook-signature}, which is
 * {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}. A secret written {@code whsec_<base64>} is the base64 of
 * the key (the spec's format); any other secret is used as its UTF-8 bytes. Several secrets (space or comma
 * separated) sign with each key, signatures separated by a space: a receiver accepts any of them, so a secret is
 * rotated by adding the new one, moving receivers over, then removing the old one.
 */
public final class StandardWebhooks {
    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";
    private static final String PREFIX = "whsec_";

    private final List<byte[]> keys;

    public StandardWebhooks(String secrets) {
        List<byte[]> parsed = new ArrayList<>();
        for (String secret : secrets == null ? new String[0] : secrets.trim().split("[\\s,]+")) {
            if (!secret.isEmpty()) {
                parsed.add(secret.startsWith(PREFIX) ? Base64.getDecoder().decode(secret.substring(PREFIX.length()))
                        : secret.getBytes(StandardCharsets.UTF_8));
            }
        }
        this.keys = List.copyOf(parsed);
    }

    public boolean isEmpty() {
        return keys.isEmpty();
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
}
