package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

/**
 * The other side of waiting out Webex outages: an event Webex keeps failing on, while it answers everything else,
 * is dead-lettered once Webex had its time to come back (processing.webex-patience-ms), so it does not block its room.
 */
class WebexPoisonEventTest {

    @Test
    void anEventWebexKeepsFailingLongerThanThePatienceWhileWebexAnswersOtherCallsIsDeadLettered() throws Exception {
        try (RouterHarness router = new RouterHarness(Map.of("processing.max-attempts", "3",
                "processing.webex-patience-ms", "1500", "webex.client.initial-backoff-millis", "10",
                "webex.client.circuit-open-millis", "300"))) {
            router.start();
            router.registerWebhooks();
            String room = router.webex.directRoom("poison@example.com");
            router.webex.failNext("GET", "/messages/", 503, 100_000, null); // message reads fail, /people/me answers
            long start = System.currentTimeMillis();

            router.webex.say("poison@example.com", room, "nobody can read me");

            Exchange dead;
            try (ConsumerTemplate consumer = router.context().createConsumerTemplate()) {
                dead = consumer.receive("jms:queue:wbxt.events.dlq", Duration.ofSeconds(20).toMillis());
            }
            assertNotNull(dead, "dead-lettered");
            assertTrue(System.currentTimeMillis() - start >= 1500, "not before the patience was spent");
            assertTrue(dead.getMessage().getHeader("WbxtDeadLetterAttempts", Integer.class) >= 3);
            assertTrue(dead.getMessage().getHeader("WbxtDeadLetterReason", String.class).contains("503"),
                    dead.getMessage().getHeader("WbxtDeadLetterReason", String.class));
            router.webex.clearFaults();
            router.webex.say("poison@example.com", room, "the room goes on");
            assertEquals(1, router.webex.awaitBotMessages(room, 1, Duration.ofSeconds(10)).size());
        }
    }
}
