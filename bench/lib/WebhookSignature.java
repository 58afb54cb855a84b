import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The X-Spark-Signature check of the bench's JVM anchors (RawVertxReceiver, RawVertxEchoBot): hex HMAC-SHA1 of the
 * raw body, compared in constant time, with one Mac per thread (a Mac is not thread-safe; getInstance + init per
 * request costs more than the check itself).
 */
final class WebhookSignature {
    private final ThreadLocal<Mac> macs;

    WebhookSignature(byte[] secret) {
        macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA1");
                mac.init(new SecretKeySpec(secret, "HmacSHA1"));
                return mac;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    boolean matches(byte[] body, String header) {
        if (header == null) {
            return false;
        }
        byte[] expected = HexFormat.of().formatHex(macs.get().doFinal(body)).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, header.trim().toLowerCase().getBytes(StandardCharsets.US_ASCII));
    }
}
