package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
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
            List<String> rooms = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                rooms.add(router.webex.directRoom("room" + i + "@example.com"));
            }
            String busy = router.webex.directRoom("busy@example.com");

            for (int i = 0; i < 6; i++) {
                router.webex.say("room" + i + "@example.com", rooms.get(i), "hello " + i);
            }
            List<Instant> answered = new ArrayList<>();
            for (String room : rooms) {
                answered.add(created(router.webex.awaitBotMessages(room, 1, Duration.ofSeconds(20)).get(0)));
            }
            Collections.sort(answered);
            long closest = Long.MAX_VALUE;
            for (int i = 1; i < answered.size(); i++) {
                closest = Math.min(closest, Duration.between(answered.get(i - 1), answered.get(i)).toMillis());
            }
            System.out.printf("ReplyThrottleTest: 6 rooms answered over %d ms, the closest two %d ms apart%n",
                    Duration.between(answered.get(0), answered.get(5)).toMillis(), closest);
            // One limit for all rooms together would space every two replies by at least a second.
            assertTrue(closest < 1000, "rooms are not throttled together: the closest two replies " + closest + " ms apart");

            for (int i = 0; i < 3; i++) {
                router.webex.say("busy@example.com", busy, "burst " + i);
            }
            List<Map<String, Object>> replies = router.webex.awaitBotMessages(busy, 3, Duration.ofSeconds(20));
            assertEquals(3, replies.size());
            Duration spread = Duration.between(created(replies.get(0)), created(replies.get(2)));
            System.out.printf("ReplyThrottleTest: one room, 3 replies over %d ms%n", spread.toMillis());
            assertTrue(spread.toMillis() >= 1500, "one room: 1 reply a second, 3 replies over " + spread.toMillis() + " ms");
        }
    }

    /** When Webex (the simulator) received the reply. */
    private static Instant created(Map<String, Object> message) {
        return Instant.parse((String) message.get("created"));
    }
}
