package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** processing.replies-per-room-per-second limits each room on its own: other rooms are not slowed down. */
class ReplyThrottleTest {

    @Test
    void theReplyLimitIsPerRoom() throws Exception {
        try (RouterHarness router = new RouterHarness(Map.of("processing.replies-per-room-per-second", "1"))) {
            router.start();
            router.registerWebhooks();
            String busy = router.webex.directRoom("busy@example.com");
            String other = router.webex.directRoom("other@example.com");

            // Three replies wait their turn in the busy room (1 a second); a message of another room sent after them
            // is answered before the busy room's third: one limit for all rooms would answer it after the third.
            for (int i = 0; i < 3; i++) {
                router.webex.say("busy@example.com", busy, "burst " + i);
            }
            router.webex.say("other@example.com", other, "hello");
            List<Map<String, Object>> replies = router.webex.awaitBotMessages(busy, 3, Duration.ofSeconds(20));
            Instant otherAnswered = created(router.webex.awaitBotMessages(other, 1, Duration.ofSeconds(20)).get(0));
            assertEquals(3, replies.size());
            Duration spread = Duration.between(created(replies.get(0)), created(replies.get(2)));
            System.out.printf("ReplyThrottleTest: one room, 3 replies over %d ms; the other room answered %d ms after "
                    + "the busy room's first%n", spread.toMillis(),
                    Duration.between(created(replies.get(0)), otherAnswered).toMillis());
            assertTrue(spread.toMillis() >= 1500, "one room: 1 reply a second, 3 replies over " + spread.toMillis() + " ms");
            assertTrue(otherAnswered.isBefore(created(replies.get(2))),
                    "rooms are not throttled together: the other room waited for the busy room's third reply");
        }
    }

    /** When Webex (the simulator) received the reply. */
    private static Instant created(Map<String, Object> message) {
        return Instant.parse((String) message.get("created"));
    }
}
