package dev.wbxt.router;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The receiver-side check of the README ("Forwarding", verify a delivery), word for word: tested as documented. */
final class WebhookSignatureCheck {
    private WebhookSignatureCheck() {
    }

    // --- README snippet starts here ---
    /** True when one of the signatures of webhook-signature was made with this secret over exactly these bytes. */
    static boolean verify(String secret, String id, String timestamp, String signatures, byte[] body) throws Exception {
        long age = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp));
        if (age > 5 * 60) {
            return false; // too old (or from the future): a replayed delivery
        }
        byte[] key = secret.startsWith("whsec_")
                ? Base64.getDecoder().decode(secret.substring("whsec_".length()))
                : secret.getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = Base64.getEncoder().encode(mac.doFinal(body));
        for (String signature : signatures.split(" ")) {          // several while the sender rotates secrets
            if (signature.startsWith("v1,") && MessageDigest.isEqual(
                    signature.substring(3).getBytes(StandardCharsets.US_ASCII), expected)) {
                return true;
            }
        }
        return false;
    }
    // --- README snippet ends here ---
}
