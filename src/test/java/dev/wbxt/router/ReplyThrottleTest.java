package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

            long start = System.nanoTime();
            for (int i = 0; i < 6; i++) {
                router.webex.say("room" + i + "@example.com", rooms.get(i), "hello " + i);
            }
            for (String room : rooms) {
                router.webex.awaitBotMessages(room, 1, Duration.ofSeconds(20));
            }
            long sixRooms = Duration.ofNanos(System.nanoTime() - start).toMillis();
            // One reply a second for all rooms together would take 5 s or more.
            assertTrue(sixRooms < 4000, "6 rooms answered in " + sixRooms + " ms");

            for (int i = 0; i < 3; i++) {
                router.webex.say("busy@example.com", busy, "burst " + i);
            }
            List<Map<String, Object>> replies = router.webex.awaitBotMessages(busy, 3, Duration.ofSeconds(20));
            assertEquals(3, replies.size());
            Duration spread = Duration.between(Instant.parse((String) replies.get(0).get("created")),
                    Instant.parse((String) replies.get(2).get("created")));
            assertTrue(spread.toMillis() >= 1500, "one room: 1 reply a second, 3 replies over " + spread.toMillis() + " ms");
        }
    }
}
