package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import dev.wbxt.router.broker.EmbeddedBroker;
import dev.wbxt.router.ingest.StoreEndpoint;
import dev.wbxt.router.simulator.WebexSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The receiver's warm-up (ingest.warm-up-webhooks): before the service is ready it has run its webhooks through a
 * twin of the receiver route and left nothing behind: no route, no store, no queue, no event received, stored on the
 * events queue, processed or sent to Webex; and the receiver answers as ever.
 */
class ReceiverWarmUpTest {
    @RegisterExtension
    static final RouterHarness router = new RouterHarness(Map.of("ingest.warm-up-webhooks", "300"));

    @Test
    void theWarmUpLeavesNothingBehindAndTheReceiverAnswers() throws Exception {
        HttpResponse<String> ready = router.manage("/observe/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("warm-up"), "readiness waits for the warm-up: " + ready.body());

        assertNull(router.context().getRoute("webhook-warm-up"), "the twin route is gone");
        assertTrue(router.context().getEndpoints().stream().filter(e -> e instanceof StoreEndpoint)
                .map(e -> ((StoreEndpoint) e).getQueue()).allMatch("wbxt.events"::equals), "one store: the events'");
        EmbeddedBroker broker = router.context().hasService(EmbeddedBroker.class);
        assertFalse(broker.queueNames().stream().anyMatch(q -> q.startsWith("wbxt.warm-up")), broker.queueNames().toString());
        assertEquals(0, broker.messageCount("wbxt.events"), "nothing of it on the events queue");
        assertEquals(0, router.metric("wbxt_events_received_total"), "nor in the receiver's metrics");
        List<WebexSimulator.Call> calls = router.webex.calls();
        assertTrue(calls.stream().allMatch(c -> c.path().endsWith("/people/me")), "no Webex call but the bot's identity: " + calls);

        // the receiver itself, after its twin has gone: a real message is answered
        String room = router.webex.directRoom("after-warm-up@example.com");
        List<Map<String, Object>> replies = router.sendMarker("after-warm-up@example.com", room);
        assertEquals(1, replies.size(), replies.toString());
        assertEquals(1, router.metric("wbxt_events_received_total"));
    }
}
