package dev.wbxt.router.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.standardwebhooks.Webhook;
import org.junit.jupiter.api.Test;

class StandardWebhooksTest {
    private static final String BODY_TEXT = "{\"test\": 2432232314}";
    private static final byte[] BODY = BODY_TEXT.getBytes(StandardCharsets.UTF_8);
    /** The secret of the Standard Webhooks / Svix libraries' tests (24 bytes). */
    private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @Test
    void signsLikeTheSpecificationsReferenceLibraries() throws Exception {
        StandardWebhooks signer = new StandardWebhooks(SPEC_SECRET);
        String signature = signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, BODY);
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
        assertEquals(new Webhook(SPEC_SECRET).sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, BODY_TEXT), signature);
    }

    @Test
    void aSecretWithoutThePrefixIsBase64TooAsTheOfficialLibraryReadsIt() throws Exception {
        String bare = SPEC_SECRET.substring("whsec_".length());
        long now = System.currentTimeMillis() / 1000;
        String signature = new StandardWebhooks(bare).sign("id-1", now, BODY);
        assertEquals(new StandardWebhooks(SPEC_SECRET).sign("id-1", now, BODY), signature);
        new Webhook(bare).verify(BODY_TEXT, Map.of("webhook-id", List.of("id-1"),
                "webhook-timestamp", List.of(String.valueOf(now)), "webhook-signature", List.of(signature)));
    }

    @Test
    void rotationSignsWithEverySecret() {
        String other = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
        String both = new StandardWebhooks(SPEC_SECRET + "  " + other).sign("id", 1, BODY);
        assertEquals(new StandardWebhooks(SPEC_SECRET).sign("id", 1, BODY) + " " + new StandardWebhooks(other).sign("id", 1, BODY), both);
        assertTrue(new StandardWebhooks(" ").isEmpty());
        assertFalse(new StandardWebhooks(other).isEmpty());
    }

    @Test
    void refusesTextThatIsNotBase64AndKeysShorterThanTheSpecsMinimum() {
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                () -> new StandardWebhooks("my-plain-secret!"));
        assertTrue(plain.getMessage().startsWith("secret: the secret is not base64"), plain.getMessage());
        assertFalse(plain.getMessage().contains("my-plain-secret"), "the secret never appears in the message");

        String short23 = "whsec_" + Base64.getEncoder().encodeToString(new byte[23]);
        IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
                () -> new StandardWebhooks(SPEC_SECRET + " " + short23));
        assertEquals("secret: secret 2 of 2 is a 23-byte key; Standard Webhooks asks for at least 24 random bytes "
                + "(e.g. whsec_$(openssl rand -base64 32))", tooShort.getMessage());
        assertFalse(new StandardWebhooks("whsec_" + Base64.getEncoder().encodeToString(new byte[24])).isEmpty());
    }
}
