package dev.wbxt.router.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opentelemetry.api.trace.SpanKind;
import org.apache.camel.telemetry.Op;
import org.junit.jupiter.api.Test;

/** The kind each of Camel's spans gets, as a table (TracingTest sees them in a real trace). */
class KindedTracerTest {
    @Test
    void routesFromAQueueOrASocketConsumeSendsToABrokerOrADestinationProduce() {
        Object[][] table = {
                // op, scheme, in a forward destination, kind
                {Op.EVENT_RECEIVED, "rooms", false, SpanKind.CONSUMER},
                {Op.EVENT_RECEIVED, "jms", true, SpanKind.CONSUMER},
                {Op.EVENT_RECEIVED, "kafka", false, SpanKind.CONSUMER},
                {Op.EVENT_RECEIVED, "webex-socket", false, SpanKind.CONSUMER},
                {Op.EVENT_RECEIVED, "webhook", false, SpanKind.INTERNAL}, // under the request's SERVER span
                {Op.EVENT_RECEIVED, "kamelet", true, SpanKind.INTERNAL},
                {Op.EVENT_SENT, "artemis-store", false, SpanKind.PRODUCER},
                {Op.EVENT_SENT, "jms", false, SpanKind.PRODUCER},
                {Op.EVENT_SENT, "kafka", true, SpanKind.PRODUCER},
                {Op.EVENT_SENT, "http", true, SpanKind.PRODUCER}, // the event delivered to its destination
                {Op.EVENT_SENT, "https", true, SpanKind.PRODUCER},
                {Op.EVENT_SENT, "netty-http", true, SpanKind.PRODUCER}, // any Camel URI a destination type sends to
                {Op.EVENT_SENT, "http", false, SpanKind.CLIENT}, // a route's own HTTP call
                {Op.EVENT_SENT, "webex", false, SpanKind.INTERNAL}, // its HTTP calls are the CLIENT spans
                {Op.EVENT_SENT, "kamelet", true, SpanKind.INTERNAL},
                {Op.EVENT_SENT, "language", true, SpanKind.INTERNAL},
                {Op.EVENT_SENT, "direct", false, SpanKind.INTERNAL},
                {Op.EVENT_PROCESS, "jms", true, SpanKind.INTERNAL},
        };
        for (Object[] row : table) {
            assertEquals(row[3], KindedTracer.kind((Op) row[0], (String) row[1], (Boolean) row[2]),
                    row[0] + " " + row[1] + (Boolean.TRUE.equals(row[2]) ? " in a destination" : ""));
        }
    }
}
