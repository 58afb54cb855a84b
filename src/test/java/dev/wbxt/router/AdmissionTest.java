package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import dev.wbxt.router.broker.EmbeddedBroker;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.junit.jupiter.api.Test;

/** The receiver refuses (503) what it cannot keep or process, and loses nothing it accepted. */
class AdmissionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void overTheQueueLimitWebhooksAre503AndTheAcceptedOnesAreAllAnswered() throws Exception {
        try (RouterHarness router = new RouterHarness(Map.of("ingest.max-queue-depth", "3"))) {
            router.start();
            String room = router.webex.directRoom("flood@example.com");
            List<Map<String, Object>> messages = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                messages.add(router.newMessage("flood@example.com", room, "flood " + i));
            }
            router.webex.delay("GET", "/messages/", Duration.ofSeconds(1)); // processing slower than arrivals

            int accepted = 0;
            int refused = 0;
            for (Map<String, Object> message : messages) {
                HttpResponse<String> rsp = router.deliver(router.messageCreated(message));
                if (rsp.statusCode() == 200) {
                    accepted++;
                } else {
                    assertEquals(503, rsp.statusCode(), rsp.body());
                    assertTrue(rsp.body().contains("\"error\":\"backlog\""), rsp.body());
                    assertEquals("10", rsp.headers().firstValue("Retry-After").orElse(""));
                    refused++;
                }
            }
            assertTrue(refused > 0 && accepted >= 3, "accepted " + accepted + ", refused " + refused);
            router.webex.clearFaults();
            router.webex.awaitBotMessages(room, accepted, Duration.ofSeconds(30));
            router.awaitIdle();
            assertEquals(accepted, router.botRepliesIn(room).size(), "every accepted event answered, once");
            assertEquals(200, router.deliver(router.messageCreated(messages.get(11))).statusCode(),
                    "accepted again once the backlog is gone");
            assertTrue(router.metric("wbxt_events_rejected_total{reason=\"backlog\"}") >= refused);
        }
    }

    @Test
    void withTooLittleFreeDiskWebhooksAre503AndNothingIsStored() throws Exception {
        try (RouterHarness router = new RouterHarness(Map.of("ingest.min-free-disk-mb", "2000000000"))) {
            router.start();
            String room = router.webex.directRoom("disk@example.com");
            HttpResponse<String> rsp = router.deliver(router.messageCreated(router.newMessage("disk@example.com", room, "x")));
            assertEquals(503, rsp.statusCode());
            assertTrue(rsp.body().contains("disk_full"), rsp.body());
            // the refusal comes before the store (ingest.Admission), so nothing can be queued by now: no marker can
            // be sent through a receiver that refuses everything
            assertEquals(1.0, router.metric("wbxt_events_rejected_total{reason=\"disk_full\"}"));
            assertEquals(0, router.context().hasService(EmbeddedBroker.class).messageCount("wbxt.events"));
            assertEquals(0, router.botRepliesIn(room).size());
        }
    }

    @Test
    void whileStoppingWebhooksAre503AndTheEventInFlightIsNotLost() throws Exception {
        try (RouterHarness router = new RouterHarness()) {
            router.start();
            String room = router.webex.directRoom("stop@example.com");
            Map<String, Object> inFlight = router.newMessage("stop@example.com", room, "in flight");
            Map<String, Object> late = router.newMessage("stop@example.com", room, "too late");
            router.webex.delay("GET", "/messages/", Duration.ofSeconds(2));
            assertEquals(200, router.deliver(router.messageCreated(inFlight)).statusCode());
            CamelContext context = router.context();
            await("the event in flight, waiting on Webex").atMost(WAIT)
                    .until(() -> context.getInflightRepository().size() > 0);
            ServiceSupport receiver = (ServiceSupport) context.getRoute("webhook-receiver").getConsumer();

            Future<?> stopping = CompletableFuture.runAsync(() -> {
                try {
                    router.stop();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await("Camel's graceful stop has stopped the receiver").atMost(WAIT)
                    .until(() -> receiver.isSuspendingOrSuspended() || !receiver.isRunAllowed());
            HttpResponse<String> rsp = router.deliver(router.messageCreated(late));
            assertEquals(503, rsp.statusCode(), "Camel's graceful stop has stopped the receiver: " + rsp.body());
            stopping.get();

            router.webex.clearFaults();
            router.start();
            router.awaitIdle();
            assertEquals(List.of("in flight"), router.botRepliesIn(room).stream()
                    .map(m -> ((String) m.get("markdown")).replaceAll("(?s).*said:\\*\\* ", "")).toList(),
                    "the event in flight was answered once, before or after the restart");
        }
    }
}
