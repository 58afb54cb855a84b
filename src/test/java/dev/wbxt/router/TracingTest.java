package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.camel.spi.CamelTracingService;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Tracing on (OTEL_TRACES_EXPORTER set, here to the in-memory exporter of {@link MemorySpanExporterProvider}): one
 * trace from the webhook through the queue, the room lane, each Webex call and the reply to the forwarded
 * CloudEvent. Off (nothing set): no tracer at all.
 */
class TracingTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> URL = AttributeKey.stringKey("url.full");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> COMPONENT = AttributeKey.stringKey("component");
    private static final AttributeKey<String> OP = AttributeKey.stringKey("op");

    @Test
    void oneTraceFromTheWebhookToTheForwardedCloudEvent() throws Exception {
        try (HttpSink sink = new HttpSink();
             RouterHarness router = new RouterHarness(Map.of("forward.url", sink.url(),
                     "otel.traces.exporter", "memory", "otel.bsp.schedule.delay", "20"))) {
            router.start();
            router.registerWebhooks();
            String room = router.webex.groupRoom("Traced room");
            router.webex.say("traced@example.com", room, "hello");

            HttpSink.Received forwarded = sink.awaitReceived(1, WAIT).get(0);
            Map<?, ?> cloudEvent = RouterHarness.JSON.readValue(forwarded.body(), Map.class);
            String traceparent = (String) cloudEvent.get("traceparent");
            assertNotNull(traceparent, "the CloudEvent's Distributed Tracing extension: " + cloudEvent.keySet());
            String traceId = traceparent.split("-")[1];
            String httpTraceparent = forwarded.headers().entrySet().stream()
                    .filter(h -> h.getKey().equalsIgnoreCase("traceparent")).findFirst().orElseThrow().getValue().get(0);
            assertEquals(traceId, httpTraceparent.split("-")[1], "the forward's HTTP request continues the trace");

            // the reply, then the trace's last spans exported (batched every 20 ms)
            router.webex.awaitBotMessages(room, 1, WAIT);
            Awaitility.await().atMost(WAIT).until(() -> clientSpans(traceId).stream()
                    .anyMatch(s -> "POST".equals(s.getAttributes().get(METHOD))));
            List<SpanData> trace = spans(traceId);

            SpanData received = only(trace, "camel-webhook", "EVENT_RECEIVED");
            assertFalse(received.getParentSpanContext().isValid(), "the trace starts at the receiver");
            SpanData stored = only(trace, "camel-artemis-store", "EVENT_SENT");
            assertEquals(received.getSpanId(), stored.getParentSpanId());
            SpanData dispatched = only(trace, "camel-rooms", "EVENT_RECEIVED");
            assertEquals(stored.getSpanId(), dispatched.getParentSpanId(),
                    "the room lane continues the context the stored message carried");
            only(trace, "camel-jms", "EVENT_RECEIVED"); // the destination's consumer of wbxt.forward.default
            assertEquals(1, trace.stream().filter(s -> "camel-http".equals(component(s))).count(), "the forward POST");

            // a client span per Webex call: the event's message, room and sender, then the reply
            List<SpanData> calls = clientSpans(traceId);
            for (String path : List.of("/v1/messages/", "/v1/rooms/", "/v1/people/")) {
                assertTrue(calls.stream().anyMatch(s -> "GET".equals(s.getAttributes().get(METHOD))
                        && s.getAttributes().get(URL).startsWith(router.webex.apiUrl().replace("/v1", "") + path)),
                        "GET " + path + " in " + calls);
            }
            SpanData reply = calls.stream().filter(s -> "POST".equals(s.getAttributes().get(METHOD))).findFirst().orElseThrow();
            assertEquals(router.webex.apiUrl() + "/messages", reply.getAttributes().get(URL));
            assertTrue(calls.stream().allMatch(s -> Long.valueOf(200).equals(s.getAttributes().get(STATUS))), calls.toString());
            assertTrue(calls.stream().allMatch(s -> trace.stream().anyMatch(p -> p.getSpanId().equals(s.getParentSpanId())
                    && "camel-webex".equals(component(p)))), "each HTTP call under its webex: step");
            assertTrue(MemorySpanExporterProvider.SPANS.getFinishedSpanItems().stream()
                    .noneMatch(s -> s.getAttributes().toString().contains(RouterHarness.TOKEN)), "no token in any span");
        }
    }

    @Test
    void offUnlessAnExporterIsNamed() throws Exception {
        try (HttpSink sink = new HttpSink();
             RouterHarness router = new RouterHarness(Map.of("forward.url", sink.url()))) {
            router.start();
            assertNull(router.context().hasService(CamelTracingService.class), "no tracer installed");
            assertTrue(router.context().getRegistry().findByType(Tracer.class).isEmpty(), "no SDK built");
            router.registerWebhooks();
            router.webex.say("untraced@example.com", router.webex.groupRoom("Untraced room"), "hello");
            Map<?, ?> cloudEvent = RouterHarness.JSON.readValue(sink.awaitReceived(1, WAIT).get(0).body(), Map.class);
            assertNull(cloudEvent.get("traceparent"), "no trace, no extension: " + cloudEvent.keySet());
        }
    }

    private static List<SpanData> spans(String traceId) {
        return MemorySpanExporterProvider.SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    /** Camel's span of a component in this trace, one of them. */
    private static SpanData only(List<SpanData> trace, String component, String op) {
        List<SpanData> found = trace.stream()
                .filter(s -> component.equals(component(s)) && op.equals(s.getAttributes().get(OP))).toList();
        assertEquals(1, found.size(), component + " " + op + " in " + trace);
        return found.get(0);
    }

    private static String component(SpanData span) {
        return span.getAttributes().get(COMPONENT);
    }

    private static List<SpanData> clientSpans(String traceId) {
        return spans(traceId).stream().filter(s -> s.getKind() == SpanKind.CLIENT).toList();
    }
}
