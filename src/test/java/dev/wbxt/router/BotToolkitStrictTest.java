package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The toolkit without the echo fallback and with silent refusals (its own service: one broker per JVM at a time). */
class BotToolkitStrictTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void withoutAFallbackAnUnknownCommandIsSaidSoAndSilentRefusalSaysNothing() throws Exception {
        try (RouterHarness strict = new RouterHarness(Map.of("bot.fallback", "", "bot.allow.rooms", "none",
                "bot.allow.email-domains", "example.com", "bot.refusal", "silent")).start()) {
            strict.registerWebhooks();
            String room = strict.webex.directRoom("kim@example.com");
            strict.webex.say("kim@example.com", room, "dance now");
            String reply = (String) strict.webex.awaitBotMessages(room, 1, WAIT).get(0).get("markdown");
            assertEquals("I don't know `dance`. Try **help**.", reply);

            String other = strict.webex.directRoom("eve@other.org");
            strict.webex.say("eve@other.org", other, "ping");
            // a silent refusal has no reply to wait for: wait for its outcome, counted once it was processed
            strict.awaitMetrics("outcome=\"refused\"");
            assertEquals(0, strict.botRepliesIn(other).size());
        }
    }
}
