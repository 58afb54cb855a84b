package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.wbxt.router.broker.EmbeddedBroker;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, the broker's side: the receiver answers 2xx only for an event the broker confirmed it has on disk.
 * The embedded broker is stopped under the receiver while webhooks arrive from several connections: every answer
 * is 200 or 503 (with Retry-After), every webhook sent after the stop is 503, and after a restart on the same
 * DATA_DIR every event that was answered 200 is processed.
 */
class UnconfirmedSendTest {
    private static final int ROOMS = 4;
    private static final int PER_ROOM = 60;
    /** Per room, the last ones are sent only once the broker has stopped. */
    private static final int AFTER_STOP = 10;

    private record Answer(String room, String text, int status, String retryAfter, boolean sentAfterStop) {
    }

    @Test
    void aBrokerStoppedUnderTheReceiverGetsNo2xxAndEvery2xxIsProcessed() throws Exception {
        try (RouterHarness router = new RouterHarness()) {
            router.start();
            List<String> rooms = new ArrayList<>();
            Map<String, List<Map<String, Object>>> messages = new TreeMap<>();
            for (int r = 0; r < ROOMS; r++) {
                String email = "stop" + r + "@example.com";
                String room = router.webex.directRoom(email);
                rooms.add(room);
                List<Map<String, Object>> own = new ArrayList<>();
                for (int m = 0; m < PER_ROOM; m++) {
                    own.add(router.newMessage(email, room, "stop-r" + r + "-m" + m));
                }
                messages.put(room, own);
            }
            EmbeddedBroker broker = router.context().hasService(EmbeddedBroker.class);
            CountDownLatch someAcknowledged = new CountDownLatch(ROOMS * 10);
            CountDownLatch stopped = new CountDownLatch(1);
            List<Answer> answers = Collections.synchronizedList(new ArrayList<>());

            ExecutorService senders = Executors.newFixedThreadPool(ROOMS);
            List<Future<?>> running = new ArrayList<>();
            for (String room : rooms) {
                running.add(senders.submit(() -> {
                    List<Map<String, Object>> own = messages.get(room);
                    for (int m = 0; m < own.size(); m++) {
                        if (m == own.size() - AFTER_STOP) {
                            stopped.await();
                        }
                        boolean afterStop = stopped.getCount() == 0;
                        HttpResponse<String> rsp = router.deliver(router.messageCreated(own.get(m)));
                        answers.add(new Answer(room, (String) own.get(m).get("text"), rsp.statusCode(),
                                rsp.headers().firstValue("Retry-After").orElse(null), afterStop));
                        if (rsp.statusCode() == 200) {
                            someAcknowledged.countDown();
                        }
                    }
                    return null;
                }));
            }
            assertTrue(someAcknowledged.await(60, TimeUnit.SECONDS), "webhooks acknowledged before the stop");
            long stopStarted = System.nanoTime();
            broker.stop(); // while the senders keep going
            System.out.printf("[UnconfirmedSendTest] broker stopped in %d ms, %d answers so far%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopStarted), answers.size());
            stopped.countDown();
            for (Future<?> f : running) {
                f.get(120, TimeUnit.SECONDS);
            }
            senders.shutdown();

            Map<String, Long> perStatus = answers.stream().collect(Collectors.groupingBy(
                    a -> a.status() + (a.sentAfterStop() ? " after the stop" : ""), TreeMap::new, Collectors.counting()));
            System.out.println("[UnconfirmedSendTest] answers: " + perStatus);
            assertEquals(ROOMS * PER_ROOM, answers.size());
            for (Answer a : answers) {
                assertTrue(a.status() == 200 || a.status() == 503, "only 200 or 503: " + a);
                if (a.status() == 503) {
                    assertEquals("10", a.retryAfter(), "a 503 says when to deliver again: " + a);
                }
                if (a.sentAfterStop()) {
                    assertEquals(503, a.status(), "nothing can be stored once the broker has stopped: " + a);
                }
            }

            router.stop();
            router.start(); // the same DATA_DIR: what was acknowledged is in the journal
            Map<String, Set<String>> acknowledged = answers.stream().filter(a -> a.status() == 200).collect(
                    Collectors.groupingBy(Answer::room, Collectors.mapping(Answer::text, Collectors.toSet())));
            int processed = 0;
            for (Map.Entry<String, Set<String>> room : acknowledged.entrySet()) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                        assertEquals(Set.of(), unanswered(router, room.getKey(), room.getValue()),
                                "every event answered 200 is processed after the restart"));
                processed += room.getValue().size();
            }
            System.out.println("[UnconfirmedSendTest] acknowledged and processed: " + processed);
        }
    }

    /** The texts the bot has not answered yet in the room. */
    private static Set<String> unanswered(RouterHarness router, String room, Set<String> texts) {
        return texts.stream().filter(t -> router.botRepliesIn(room).stream()
                .noneMatch(r -> String.valueOf(r.get("markdown")).endsWith(t))).collect(Collectors.toSet());
    }
}
