package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/**
 * The events queue is processed room by room (routes/10-dispatch.yaml, {@code rooms:}): each room's events in the
 * order they were stored, rooms never waiting for each other, a failing room holding only itself, and a stop that
 * lets the events in flight finish.
 */
class RoomLanesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void eachRoomIsAnsweredInTheOrderItsEventsWereStoredWhileRoomsInterleave() throws Exception {
        int rooms = 40;
        int perRoom = 5;
        try (RouterHarness router = new RouterHarness()) {
            router.start();
            List<String> roomIds = new ArrayList<>();
            Map<String, List<Map<String, Object>>> messages = new LinkedHashMap<>();
            for (int r = 0; r < rooms; r++) {
                String room = router.webex.directRoom("order" + r + "@example.com");
                roomIds.add(room);
                List<Map<String, Object>> own = new ArrayList<>();
                for (int i = 1; i <= perRoom; i++) {
                    own.add(router.newMessage("order" + r + "@example.com", room, "room " + r + " event " + i));
                }
                messages.put(room, own);
            }
            // Four senders at once, each for a quarter of the rooms, round robin over its rooms: the queue holds the
            // rooms interleaved, and each room's order is the order of its sender's 200s.
            long start = System.nanoTime();
            ExecutorService senders = Executors.newFixedThreadPool(4);
            List<Future<?>> sent = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                int sender = s;
                sent.add(senders.submit(() -> {
                    for (int i = 0; i < perRoom; i++) {
                        for (int r = sender; r < rooms; r += 4) {
                            assertEquals(200, router.deliver(router.messageCreated(messages.get(roomIds.get(r)).get(i)))
                                    .statusCode());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
            senders.shutdown();

            for (int r = 0; r < rooms; r++) {
                List<Map<String, Object>> replies = router.webex.awaitBotMessages(roomIds.get(r), perRoom, WAIT);
                for (int i = 0; i < perRoom; i++) {
                    String markdown = (String) replies.get(i).get("markdown");
                    assertTrue(markdown.endsWith("room " + r + " event " + (i + 1)), "room " + r + " in stored order: "
                            + replies.stream().map(m -> m.get("markdown")).toList());
                }
            }
            router.awaitIdle();
            for (String room : roomIds) {
                assertEquals(perRoom, router.botRepliesIn(room).size(), "each answered once");
            }
            System.out.printf("Room order: %d events over %d rooms from 4 senders, all answered in each room's stored "
                    + "order in %d ms%n", rooms * perRoom, rooms, (System.nanoTime() - start) / 1_000_000);
        }
    }

    @Test
    void roomsAreAnsweredWhileAnotherRoomWaitsForItsRetry() throws Exception {
        // Room A's next attempt is ten minutes away: a bystander that waited for it would not be answered in this test.
        try (RouterHarness router = new RouterHarness(Map.of(
                "processing.retry-delay-ms", "600000",
                "processing.max-retry-delay-ms", "600000",
                "processing.outage-retry-delay-ms", "600000",
                "processing.retry-jitter", "0",
                "webex.client.initial-backoff-millis", "10",
                "webex.client.max-backoff-millis", "20"))) {
            router.start();
            String roomA = router.webex.directRoom("failing@example.com");
            Map<String, Object> failing = router.newMessage("failing@example.com", roomA, "this one breaks");
            String failingPath = "/messages/" + failing.get("id");
            router.webex.failNext("GET", failingPath, 500, 1_000_000, null); // until the end of the test
            List<String> bystanders = new ArrayList<>();
            List<Map<String, Object>> bystanderMessages = new ArrayList<>();
            for (int r = 0; r < 16; r++) {
                String room = router.webex.directRoom("bystander" + r + "@example.com");
                bystanders.add(room);
                bystanderMessages.add(router.newMessage("bystander" + r + "@example.com", room, "hello " + r));
            }

            assertEquals(200, router.deliver(router.messageCreated(failing)).statusCode());
            awaitMetricAtLeast(router, "wbxt_events_retried_total{queue=\"wbxt.events\"}", 1); // A failed, waits
            long callsForA = callsTo(router, failingPath);

            List<Long> sentAt = new ArrayList<>();
            for (Map<String, Object> message : bystanderMessages) {
                assertEquals(200, router.deliver(router.messageCreated(message)).statusCode());
                sentAt.add(System.nanoTime());
            }
            List<Long> waits = new ArrayList<>();
            for (int r = 0; r < bystanders.size(); r++) {
                router.webex.awaitBotMessages(bystanders.get(r), 1, WAIT);
                waits.add((System.nanoTime() - sentAt.get(r)) / 1_000_000); // at most: the wait ends when we look
            }

            assertEquals(callsForA, callsTo(router, failingPath), "room A was not tried again meanwhile");
            assertEquals(1.0, router.metric("wbxt_events_retried_total{queue=\"wbxt.events\"}"), "A waits for its retry");
            assertEquals(0, router.botRepliesIn(roomA).size(), "room A's fault is still active");
            System.out.printf("Room isolation: room A failing (next attempt in 10 min); 16 bystander rooms answered at "
                    + "most %s ms after their webhook was stored%n", waits);
        }
    }

    @Test
    void aStopLetsTheEventsInFlightFinishAndLeavesTheRestToTheNextStart() throws Exception {
        int rooms = 10;
        int perRoom = 3;
        try (RouterHarness router = new RouterHarness()) {
            router.start();
            router.webex.delay("POST", "/messages", Duration.ofMillis(300)); // each reply takes a while
            List<String> roomIds = new ArrayList<>();
            List<Map<String, Object>> messages = new ArrayList<>();
            for (int r = 0; r < rooms; r++) {
                String room = router.webex.directRoom("stop" + r + "@example.com");
                roomIds.add(room);
                for (int i = 1; i <= perRoom; i++) {
                    messages.add(router.newMessage("stop" + r + "@example.com", room, "stop " + r + " event " + i));
                }
            }
            for (Map<String, Object> message : messages) {
                assertEquals(200, router.deliver(router.messageCreated(message)).statusCode());
            }
            router.webex.awaitBotMessages(roomIds.get(0), 1, WAIT); // processing is under way
            router.stop();
            int answeredBeforeStop = answered(router, roomIds);

            router.webex.clearFaults();
            router.start(); // same data folder: what was not acknowledged is delivered again
            for (String room : roomIds) {
                router.webex.awaitBotMessages(room, perRoom, WAIT);
            }
            router.awaitIdle();
            double processedAfterRestart = processed(router);
            for (int r = 0; r < rooms; r++) {
                List<Map<String, Object>> replies = router.botRepliesIn(roomIds.get(r));
                assertEquals(perRoom, replies.size(), "each answered once");
                for (int i = 0; i < perRoom; i++) {
                    assertTrue(((String) replies.get(i).get("markdown")).endsWith("stop " + r + " event " + (i + 1)),
                            "in order across the restart");
                }
            }
            // An event answered before the stop was also acknowledged before it (it ran to the end): only the others
            // are processed again.
            assertEquals(rooms * perRoom - answeredBeforeStop, processedAfterRestart, "answered before the stop: "
                    + answeredBeforeStop);
            System.out.printf("Graceful stop: %d events, %d answered and acknowledged before the stop, %d processed "
                    + "after the restart, 0 twice%n", rooms * perRoom, answeredBeforeStop, (int) processedAfterRestart);
        }
    }

    private static int answered(RouterHarness router, List<String> rooms) {
        return rooms.stream().mapToInt(room -> router.botRepliesIn(room).size()).sum();
    }

    /** Events processed to the end by this run of the service, every resource and outcome. */
    private static double processed(RouterHarness router) throws IOException, InterruptedException {
        return router.manage("/observe/metrics").body().lines().filter(l -> l.startsWith("wbxt_events_processed_total{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static long callsTo(RouterHarness router, String path) {
        return router.webex.calls().stream().filter(c -> c.path().endsWith(path)).count();
    }

    private static void awaitMetricAtLeast(RouterHarness router, String series, double value) {
        await(series + " reaches " + value).atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> router.metric(series) >= value);
    }
}
