package dev.wbxt.router.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class StandardWebhooksTest {
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

    @Test
    void signsLikeTheSpecificationsReferenceLibraries() {
        // the example of the Standard Webhooks / Svix libraries' tests
        StandardWebhooks signer = new StandardWebhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, BODY));
    }

    @Test
    void rotationSignsWithEverySecretAndAPlainSecretIsItsBytes() {
        String both = new StandardWebhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw  plain-secret").sign("id", 1, BODY);
        String plain = new StandardWebhooks("plain-secret").sign("id", 1, BODY);
        assertEquals(new StandardWebhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").sign("id", 1, BODY) + " " + plain, both);
        assertTrue(new StandardWebhooks(" ").isEmpty());
    }
}
