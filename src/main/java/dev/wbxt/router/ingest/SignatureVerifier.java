package dev.wbxt.router.ingest;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks {@code X-Spark-Signature}: the lowercase hex HMAC-SHA1 of the raw request bytes, keyed with the webhook
 * secret. Raw bytes, never re-serialised JSON (that is the bug of the Node framework and Botkit), compared in
 * constant time.
 * <p>
 * One {@link Mac} per thread, keyed once: {@code Mac.getInstance} + {@code init} on every webhook walked the security
 * providers and expanded the key each time (issue 11). A {@code Mac} is not thread-safe, and {@code doFinal} resets it
 * to its keyed state, so a thread's instance is reused as is.
 */
public final class SignatureVerifier {
    private static final String ALGORITHM = "HmacSHA1";
    private final ThreadLocal<Mac> macs;

    public SignatureVerifier(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the webhook secret is empty");
        }
        SecretKeySpec key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        newMac(key); // fails here, at start, rather than on the first webhook
        this.macs = ThreadLocal.withInitial(() -> newMac(key));
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available", e);
        }
    }

    public String sign(byte[] body) {
        return HexFormat.of().formatHex(macs.get().doFinal(body));
    }

    public boolean verify(byte[] body, String signature) {
        if (signature == null) {
            return false;
        }
        byte[] expected = sign(body).getBytes(StandardCharsets.US_ASCII);
        byte[] given = signature.trim().toLowerCase().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }
}
