package dev.wbxt.router.ops;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.apache.camel.support.EndpointHelper;
import org.apache.camel.telemetry.Op;

/**
 * Camel's tracer (camel-opentelemetry2) with OpenTelemetry's span kinds. In 4.18.0 every span it makes is INTERNAL:
 * {@code OpenTelemetryTracer}'s span lifecycle calls {@code tracer.spanBuilder(name)} and never sets a kind, and its
 * decorators have no say in it. Here {@link #beginEventSpan}, which decides each span, tells the kind to the
 * {@link Tracer} it builds spans with ({@link Spans}, bound in the registry by {@link Tracing}) just before, on the
 * same thread and in the same call:
 * <ul>
 * <li>a route that starts from a queue or a socket ({@code rooms:}, {@code jms:}, {@code kafka:},
 *     {@code webex-socket:}): CONSUMER;</li>
 * <li>a send to a broker ({@code artemis-store:}, {@code jms:}, {@code kafka:}): PRODUCER; and every send out of
 *     the process by a forward destination's route (it took the event off {@code queue.forward}) or its
 *     destination type's Kamelet: the event handed to the destination, whatever its type (HTTP, Kafka, JMS, any
 *     Camel URI), is PRODUCER;</li>
 * <li>another HTTP send: CLIENT;</li>
 * <li>the rest (the {@code webex:} steps, the receiver's route under the request's SERVER span): INTERNAL.</li>
 * </ul>
 * The webhook's SERVER span and the Webex calls' CLIENT spans are made by the service's own HTTP code
 * ({@code ingest/WebhookSpans}, {@code webex/WebexSpans}). An INTERNAL send's context is not written into the
 * message's W3C headers (Camel writes every span's there): only the spans that cross to another process or begin a
 * route leave theirs, so the CloudEvent's {@code traceparent} (read from those headers where the envelope is made)
 * is the room lane's CONSUMER span, not the last {@code webex:} step before it.
 */
public final class KindedTracer extends OpenTelemetryTracer {
    private static final ThreadLocal<SpanKind> NEXT = new ThreadLocal<>();
    private static final Set<String> CONSUMING = Set.of("rooms", "jms", "kafka", "webex-socket");
    private static final Set<String> PRODUCING = Set.of("artemis-store", "jms", "kafka");
    private static final Set<String> HTTP = Set.of("http", "https");
    /** In-process endpoints: a send to one is a step of the route, not a hand-over (most are excluded from tracing). */
    private static final Set<String> LOCAL = Set.of("direct", "kamelet", "language", "log", "bean", "class", "seda",
            "webex");
    private static final String[] W3C = {"traceparent", "tracestate"};
    /** On the exchanges of a forward destination's route (and its Kamelet's): what they send is the event delivered. */
    private static final String IN_DESTINATION = "WbxtTracedDestination";
    /** Endpoint URIs whose exclusion is remembered: the routes' own and more than enough for their toD targets. */
    private static final int MAX_REMEMBERED = 1024;

    private final String forwardQueues;
    private final Map<String, Boolean> forwardRoutes = new ConcurrentHashMap<>(); // by a route's from-endpoint URI
    private final Map<String, Boolean> excluded = new ConcurrentHashMap<>(); // by endpoint URI
    private final Set<String> untracedRoutes = ConcurrentHashMap.newKeySet();

    /** {@code forwardQueues}: the forward destinations' queues as an endpoint pattern, {@code jms:queue:wbxt.forward.*}. */
    KindedTracer(String forwardQueues) {
        this.forwardQueues = forwardQueues;
    }

    /** Camel's tracer when tracing is on (bound by {@link Tracing}); null when it is off. */
    public static KindedTracer of(CamelContext context) {
        return context.getRegistry().findSingleByType(KindedTracer.class);
    }

    /**
     * No span for what the route {@code routeId} does: its exchanges, every send they make and every route they
     * enter. For the receiver's warm-up ({@code ingest/ReceiverWarmUp}), whose twin of the receiver route takes
     * thousands of webhooks at start: traced, each would be a trace of its own. Call it before the route starts.
     * Camel's {@code exclude-patterns} match endpoint URIs only, and the twin's endpoints are the receiver's with
     * another path and queue.
     */
    public void leaveOut(String routeId) {
        untracedRoutes.add(routeId);
    }

    /** Whether what the consumer of {@code routeId} at {@code endpointUri} receives is traced. */
    public boolean traces(String routeId, String endpointUri, CamelContext context) {
        return !untracedRoutes.contains(routeId) && !exclude(endpointUri, context);
    }

    /**
     * Camel's answer, remembered by endpoint URI. Camel asks for every route an exchange enters or leaves and every
     * send, before and after, and its answer is costly: for each pattern it normalizes the URI and compiles each
     * pattern as a regular expression up to four times ({@code Tracer.exclude}, {@code EndpointHelper.matchEndpoint},
     * {@code PatternHelper.matchRegex}, camel 4.18.0), for each of the dozens of those a message makes.
     */
    @Override
    public boolean exclude(String endpointUri, CamelContext context) {
        Boolean known = endpointUri == null ? null : excluded.get(endpointUri);
        if (known == null) {
            known = super.exclude(endpointUri, context);
            if (endpointUri != null && excluded.size() < MAX_REMEMBERED) {
                excluded.put(endpointUri, known);
            }
        }
        return known;
    }

    @Override
    public void setExcludePatterns(String excludePatterns) {
        super.setExcludePatterns(excludePatterns);
        excluded.clear();
    }

    @Override
    protected void beginEventSpan(Exchange exchange, Endpoint endpoint, Op op) throws Exception {
        if (leftOut(exchange)) {
            return;
        }
        if (op == Op.EVENT_RECEIVED && isForwardQueue(exchange, endpoint)) {
            // copied with the exchange's other properties into the destination type's Kamelet, whose exchange is new
            exchange.setProperty(IN_DESTINATION, Boolean.TRUE);
        }
        SpanKind kind = kind(op, scheme(endpoint.getEndpointUri()), exchange.getProperty(IN_DESTINATION) != null);
        Map<String, Object> headers = exchange.getIn().getHeaders();
        Object[] before = kind == SpanKind.INTERNAL && op == Op.EVENT_SENT ? w3c(headers) : null;
        NEXT.set(kind);
        try {
            super.beginEventSpan(exchange, endpoint, op);
        } finally {
            NEXT.remove();
            if (before != null) {
                restore(headers, before);
            }
        }
    }

    @Override
    protected void endEventSpan(Exchange exchange, Endpoint endpoint) throws Exception {
        if (!leftOut(exchange)) { // as at its beginning: the route an exchange came from never changes
            super.endEventSpan(exchange, endpoint);
        }
    }

    private boolean leftOut(Exchange exchange) {
        String from = exchange.getFromRouteId();
        return from != null && untracedRoutes.contains(from);
    }

    /** The kind of the span of {@code op} on an endpoint of that scheme (see the class comment). */
    static SpanKind kind(Op op, String scheme, boolean inForwardDestination) {
        if (op == Op.EVENT_RECEIVED) {
            return CONSUMING.contains(scheme) ? SpanKind.CONSUMER : SpanKind.INTERNAL;
        }
        if (op != Op.EVENT_SENT) {
            return SpanKind.INTERNAL; // a processor's span (camel.opentelemetry2.trace-processors)
        }
        if (PRODUCING.contains(scheme) || inForwardDestination && !LOCAL.contains(scheme)) {
            return SpanKind.PRODUCER;
        }
        return HTTP.contains(scheme) ? SpanKind.CLIENT : SpanKind.INTERNAL;
    }

    private boolean isForwardQueue(Exchange exchange, Endpoint endpoint) {
        return forwardRoutes.computeIfAbsent(endpoint.getEndpointUri(),
                uri -> EndpointHelper.matchEndpoint(exchange.getContext(), uri, forwardQueues));
    }

    private static String scheme(String uri) {
        int colon = uri.indexOf(':');
        return colon < 0 ? uri : uri.substring(0, colon);
    }

    private static Object[] w3c(Map<String, Object> headers) {
        Object[] values = new Object[W3C.length];
        for (int i = 0; i < W3C.length; i++) {
            values[i] = headers.get(W3C[i]);
        }
        return values;
    }

    private static void restore(Map<String, Object> headers, Object[] values) {
        for (int i = 0; i < W3C.length; i++) {
            if (values[i] == null) {
                headers.remove(W3C[i]);
            } else {
                headers.put(W3C[i], values[i]);
            }
        }
    }

    /**
     * The OpenTelemetry tracer Camel's tracer and the service's own spans are built with: the SDK's, with the kind
     * {@link KindedTracer#beginEventSpan} chose for the span it is about to make. Spans built elsewhere (the
     * service's HTTP spans set their kind themselves) pass through unchanged.
     */
    static final class Spans implements Tracer {
        private final Tracer sdk;

        Spans(Tracer sdk) {
            this.sdk = sdk;
        }

        @Override
        public SpanBuilder spanBuilder(String spanName) {
            SpanBuilder builder = sdk.spanBuilder(spanName);
            SpanKind kind = NEXT.get();
            return kind == null ? builder : builder.setSpanKind(kind);
        }
    }
}
