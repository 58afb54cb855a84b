package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.camel.spi.CamelTracingService;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Tracing on (OTEL_TRACES_EXPORTER set, here to the in-memory exporter of {@link MemorySpanExporterProvider}): one
 * trace from the webhook to the forwarded CloudEvent, each hop with its OpenTelemetry kind (issue 21 item 9): the
 * webhook request a SERVER span, the durable store and every send to a broker or a destination a PRODUCER span, the
 * room lane and the destination's consumer CONSUMER spans, each Webex call a CLIENT span under its webex: step, and
 * none of Camel's in-process steps (direct: routes, Kamelets), nor the receiver's warm-up. A binary-mode destination
 * gets the trace as the ce-traceparent header. Off (nothing set): no tracer at all.
 */
class TracingTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> URL = AttributeKey.stringKey("url.full");
    private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<String> SCHEME = AttributeKey.stringKey("url.scheme");
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> COMPONENT = AttributeKey.stringKey("component");
    private static final AttributeKey<String> OP = AttributeKey.stringKey("op");

    @Test
    void oneTraceFromTheWebhookToTheForwardedCloudEventWithTheKindOfEachHop() throws Exception {
        try (HttpSink sink = new HttpSink();
             RouterHarness router = new RouterHarness(Map.of("forward.url", sink.url(),
                     "otel.traces.exporter", "memory", "otel.bsp.schedule.delay", "20"))) {
            MemorySpanExporterProvider.SPANS.reset(); // another test's spans
            router.start();
            String room = router.webex.groupRoom("Traced room");
            String body = RouterHarness.JSON.writeValueAsString(
                    router.messageCreated(router.newMessage("traced@example.com", room, "hello")));
            String signature = router.sign(body);
            assertEquals(200, router.deliver(body).statusCode());

            HttpSink.Received forwarded = sink.awaitReceived(1, WAIT).get(0);
            Map<?, ?> cloudEvent = RouterHarness.JSON.readValue(forwarded.body(), Map.class);
            String traceparent = (String) cloudEvent.get("traceparent");
            assertNotNull(traceparent, "the CloudEvent's Distributed Tracing extension: " + cloudEvent.keySet());
            String traceId = traceparent.split("-")[1];
            String httpTraceparent = forwarded.headers().entrySet().stream()
                    .filter(h -> h.getKey().equalsIgnoreCase("traceparent")).findFirst().orElseThrow().getValue().get(0);
            assertEquals(traceId, httpTraceparent.split("-")[1], "the forward's HTTP request continues the trace");

            // the reply's call and the destination's send, then the trace's last spans exported (batched every 20 ms)
            router.webex.awaitBotMessages(room, 1, WAIT);
            Awaitility.await().atMost(WAIT).until(() -> spans(traceId).stream().anyMatch(s -> s.getKind() == SpanKind.CLIENT
                    && "POST".equals(s.getAttributes().get(METHOD))) && spans(traceId).stream().anyMatch(s -> "camel-http".equals(component(s))));
            List<SpanData> trace = spans(traceId);
            trace.forEach(s -> System.out.println("span " + s.getKind() + " " + s.getName() + " " + component(s) + " "
                    + s.getAttributes().get(OP) + " " + s.getSpanId() + " <- " + s.getParentSpanId()));

            SpanData server = one(trace, s -> s.getKind() == SpanKind.SERVER, "the webhook's SERVER span");
            assertFalse(server.getParentSpanContext().isValid(), "the trace starts at the receiver");
            assertEquals("POST /api/v1/wbxt/events", server.getName());
            assertEquals("POST", server.getAttributes().get(METHOD));
            assertEquals("/api/v1/wbxt/events", server.getAttributes().get(PATH));
            assertEquals("/api/v1/wbxt/events", server.getAttributes().get(ROUTE));
            assertEquals("http", server.getAttributes().get(SCHEME));
            assertEquals(200L, server.getAttributes().get(STATUS));
            SpanData receiver = camel(trace, "camel-webhook", "EVENT_RECEIVED", SpanKind.INTERNAL);
            assertEquals(server.getSpanId(), receiver.getParentSpanId(), "the receiver's route under the request");
            SpanData stored = camel(trace, "camel-artemis-store", "EVENT_SENT", SpanKind.PRODUCER);
            assertEquals(receiver.getSpanId(), stored.getParentSpanId());
            SpanData lane = camel(trace, "camel-rooms", "EVENT_RECEIVED", SpanKind.CONSUMER);
            assertEquals(stored.getSpanId(), lane.getParentSpanId(), "the room lane continues the context the stored message carried");
            assertEquals(lane.getSpanId(), traceparent.split("-")[2], "the CloudEvent names the room lane's span");
            SpanData queued = camel(trace, "camel-jms", "EVENT_SENT", SpanKind.PRODUCER); // to wbxt.forward.default
            assertEquals(lane.getSpanId(), queued.getParentSpanId());
            SpanData taken = camel(trace, "camel-jms", "EVENT_RECEIVED", SpanKind.CONSUMER); // the destination's consumer
            assertEquals(queued.getSpanId(), taken.getParentSpanId());
            SpanData delivered = camel(trace, "camel-http", "EVENT_SENT", SpanKind.PRODUCER); // the forward's POST
            assertEquals(taken.getSpanId(), delivered.getParentSpanId());
            assertEquals(delivered.getSpanId(), httpTraceparent.split("-")[2], "the destination gets the PRODUCER span's context");

            // a CLIENT span per Webex call (the event's message, room and sender, then the reply), each under its step
            List<SpanData> calls = trace.stream().filter(s -> s.getKind() == SpanKind.CLIENT).toList();
            for (String path : List.of("/v1/messages/", "/v1/rooms/", "/v1/people/")) {
                assertTrue(calls.stream().anyMatch(s -> "GET".equals(s.getAttributes().get(METHOD))
                        && s.getAttributes().get(URL).startsWith(router.webex.apiUrl().replace("/v1", "") + path)),
                        "GET " + path + " in " + calls);
            }
            SpanData reply = calls.stream().filter(s -> "POST".equals(s.getAttributes().get(METHOD))).findFirst().orElseThrow();
            assertEquals(router.webex.apiUrl() + "/messages", reply.getAttributes().get(URL));
            assertTrue(calls.stream().allMatch(s -> Long.valueOf(200).equals(s.getAttributes().get(STATUS))), calls.toString());
            assertTrue(calls.stream().allMatch(s -> trace.stream().anyMatch(p -> p.getSpanId().equals(s.getParentSpanId())
                    && "camel-webex".equals(component(p)) && lane.getSpanId().equals(p.getParentSpanId()))),
                    "each HTTP call under its webex: step, in the room lane");

            // Camel's in-process steps make no span; the only INTERNAL ones are the receiver's route and the webex: steps
            assertEquals(List.of(), trace.stream().filter(s -> s.getKind() == SpanKind.INTERNAL
                    && !Set.of("camel-webhook", "camel-webex").contains(component(s))).toList());
            List<SpanData> all = MemorySpanExporterProvider.SPANS.getFinishedSpanItems();
            for (String secret : List.of(RouterHarness.TOKEN, RouterHarness.SECRET, signature)) {
                assertTrue(all.stream().noneMatch(s -> (s.getName() + s.getAttributes() + s.getEvents()).contains(secret)),
                        "no token, webhook secret or signature in any span");
            }
            // the receiver's warm-up (ingest.warm-up-webhooks, 2000 at start) runs its twin route untraced: the one
            // request here is the only SERVER span, and no span names the twin's path or queue
            assertEquals(1, all.stream().filter(s -> s.getKind() == SpanKind.SERVER).count(), "SERVER spans");
            assertEquals(List.of(), all.stream().filter(s -> (s.getName() + s.getAttributes()).contains("warm-up"))
                    .map(s -> s.getKind() + " " + s.getName() + " " + s.getAttributes()).limit(3).toList());
        }
    }

    @Test
    void inBinaryModeTheTraceparentIsTheCeTraceparentHeader() throws Exception {
        try (HttpSink sink = new HttpSink();
             RouterHarness router = new RouterHarness(Map.of("otel.traces.exporter", "memory",
                     "otel.bsp.schedule.delay", "20", "ingest.warm-up-webhooks", "0",
                     "camel.main.routes-include-pattern", "file:routes/*.yaml,file:src/test/resources/tracing/binary-destination.yaml",
                     "test.sink-binary", sink.url()))) {
            MemorySpanExporterProvider.SPANS.reset();
            router.start();
            String room = router.webex.groupRoom("Binary traced room");
            assertEquals(200, router.deliver(RouterHarness.JSON.writeValueAsString(
                    router.messageCreated(router.newMessage("binary@example.com", room, "hello")))).statusCode());

            HttpSink.Received forwarded = sink.awaitReceived(1, WAIT).get(0);
            String ceTraceparent = header(forwarded, "ce-traceparent");
            assertNotNull(ceTraceparent, "the Distributed Tracing extension as a ce- header: " + forwarded.headers().keySet());
            String traceId = ceTraceparent.split("-")[1];
            Awaitility.await().atMost(WAIT).until(() -> spans(traceId).stream().anyMatch(s -> "camel-http".equals(component(s))));
            List<SpanData> trace = spans(traceId);
            SpanData server = one(trace, s -> s.getKind() == SpanKind.SERVER, "the webhook's SERVER span");
            assertFalse(server.getParentSpanContext().isValid(), "the trace starts at the receiver");
            SpanData lane = camel(trace, "camel-rooms", "EVENT_RECEIVED", SpanKind.CONSUMER);
            assertEquals(lane.getSpanId(), ceTraceparent.split("-")[2], "ce-traceparent names the room lane's span");
            SpanData delivered = camel(trace, "camel-http", "EVENT_SENT", SpanKind.PRODUCER);
            String[] httpTraceparent = header(forwarded, "traceparent").split("-");
            assertEquals(List.of(traceId, delivered.getSpanId()), List.of(httpTraceparent[1], httpTraceparent[2]),
                    "the HTTP request's own traceparent: the PRODUCER span that sent it");
        }
    }

    private static String header(HttpSink.Received received, String name) {
        return received.headers().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(h -> h.getValue().get(0)).findFirst().orElse(null);
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

    /** Camel's span of that component and op in this trace: exactly one, of that kind. */
    private static SpanData camel(List<SpanData> trace, String component, String op, SpanKind kind) {
        SpanData span = one(trace, s -> component.equals(component(s)) && op.equals(s.getAttributes().get(OP)),
                component + " " + op);
        assertEquals(kind, span.getKind(), component + " " + op);
        return span;
    }

    private static SpanData one(List<SpanData> trace, java.util.function.Predicate<SpanData> which, String what) {
        List<SpanData> found = trace.stream().filter(which).toList();
        assertEquals(1, found.size(), what + " in " + trace);
        return found.get(0);
    }

    private static String component(SpanData span) {
        return span.getAttributes().get(COMPONENT);
    }
}
