package dev.wbxt.router.ingest;

import java.util.Map;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import dev.wbxt.router.ops.KindedTracer;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.CamelContext;

/**
 * The SERVER span of each webhook request, with OpenTelemetry's HTTP server conventions: named
 * {@code POST <webhook.path>}, {@code http.request.method}, {@code url.scheme}, {@code url.path},
 * {@code http.route}, {@code http.response.status_code}, and {@code error.type} for a 5xx (a 4xx is the caller's
 * error, not the server's). No header is recorded (the signature is one), nor the query or the body. The span
 * continues a W3C {@code traceparent} the request carried (a proxy's), else it is the trace's root. Its context is
 * written into the exchange's headers, where Camel's tracer takes it as the parent of the receiver route's span. The
 * request's own {@code traceparent} header is replaced by it, and neither is stored: {@link QueuedEvent#fill}
 * clears the headers. With tracing off (README "Tracing") there is nothing: {@link #of} returns null and the
 * consumer makes no span.
 */
final class WebhookSpans {
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> SCHEME = AttributeKey.stringKey("url.scheme");
    private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final TextMapGetter<HttpServerRequest> REQUEST = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServerRequest request) {
            return request.headers().names();
        }

        @Override
        public String get(HttpServerRequest request, String key) {
            return request == null ? null : request.getHeader(key);
        }
    };

    private final Tracer tracer;
    private final ContextPropagators propagators;
    private final String route;

    private WebhookSpans(Tracer tracer, ContextPropagators propagators, String route) {
        this.tracer = tracer;
        this.propagators = propagators;
        this.route = route;
    }

    /**
     * The spans of the webhook at {@code path}, received by the route {@code routeId} at {@code endpointUri}; null when
     * tracing is off, or when Camel's tracer leaves that route out (the warm-up's twin, {@link ReceiverWarmUp}) or
     * excludes its endpoint ({@code camel.opentelemetry2.exclude-patterns}).
     */
    static WebhookSpans of(CamelContext context, String routeId, String endpointUri, String path) {
        KindedTracer camel = KindedTracer.of(context);
        Tracer tracer = context.getRegistry().findSingleByType(Tracer.class);
        ContextPropagators propagators = context.getRegistry().findSingleByType(ContextPropagators.class);
        if (camel == null || tracer == null || propagators == null || !camel.traces(routeId, endpointUri, context)) {
            return null;
        }
        return new WebhookSpans(tracer, propagators, path);
    }

    Span start(HttpServerRequest request) {
        Context parent = propagators.getTextMapPropagator().extract(Context.root(), request, REQUEST);
        return tracer.spanBuilder(request.method().name() + " " + route)
                .setSpanKind(SpanKind.SERVER)
                .setParent(parent)
                .setAttribute(METHOD, request.method().name())
                .setAttribute(SCHEME, request.scheme())
                .setAttribute(PATH, request.path())
                .setAttribute(ROUTE, route)
                .startSpan();
    }

    /** Writes the span's context (W3C {@code traceparent}, {@code tracestate}) into the exchange's headers. */
    void inject(Span span, Map<String, Object> headers) {
        propagators.getTextMapPropagator().inject(Context.root().with(span), headers, Map::put);
    }

    /** Ends it with the status answered; {@code 0}: no answer (the caller had gone). */
    static void end(Span span, int status) {
        if (span == null) {
            return;
        }
        if (status == 0) {
            span.setAttribute(ERROR_TYPE, "closed");
        } else {
            span.setAttribute(STATUS, (long) status);
            if (status >= 500) {
                span.setAttribute(ERROR_TYPE, Integer.toString(status));
                span.setStatus(StatusCode.ERROR);
            }
        }
        span.end();
    }
}
