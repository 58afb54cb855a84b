package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            Thread.sleep(500);
            strict.awaitIdle();
            assertEquals(0, strict.botRepliesIn(other).size());
            assertTrue(strict.manage("/observe/metrics").body().contains("outcome=\"refused\""));
        }
    }
}
