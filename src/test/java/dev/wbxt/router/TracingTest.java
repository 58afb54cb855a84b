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

            // the reply, then the last spans of the trace exported (batched every 20 ms)
            router.webex.awaitBotMessages(room, 1, WAIT);
            Awaitility.await().atMost(WAIT).until(() -> clientSpans(traceId).stream()
                    .anyMatch(s -> "POST".equals(s.getAttributes().get(METHOD))));
            List<SpanData> trace = MemorySpanExporterProvider.SPANS.getFinishedSpanItems().stream()
                    .filter(s -> s.getTraceId().equals(traceId)).toList();
            trace.forEach(s -> System.out.println("SPAN " + s.getName() + " " + s.getKind() + " " + s.getSpanId() + " <- " + s.getParentSpanId() + " " + s.getAttributes()));
        }
    }

    private static List<SpanData> clientSpans(String traceId) {
        return MemorySpanExporterProvider.SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId) && s.getKind() == SpanKind.CLIENT
                        && s.getAttributes().get(METHOD) != null)
                .toList();
    }
}
