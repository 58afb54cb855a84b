package dev.wbxt.router.webex;

import java.net.URI;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.vertx.core.http.HttpMethod;
import org.apache.camel.CamelContext;

/**
 * A client span per HTTP call to Webex (OpenTelemetry's HTTP client conventions: {@code http.request.method},
 * {@code url.full}, {@code server.address}, {@code server.port}, {@code http.response.status_code},
 * {@code error.type}), so a retried call shows each attempt. The token travels in a header, never in the URL, so
 * {@code url.full} holds none. Without a {@link Tracer} in the registry (tracing off, README "Tracing") there is
 * no span and no context is read.
 */
final class WebexSpans {
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> URL = AttributeKey.stringKey("url.full");
    private static final AttributeKey<String> SERVER = AttributeKey.stringKey("server.address");
    private static final AttributeKey<Long> PORT = AttributeKey.longKey("server.port");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Tracer tracer; // null: tracing off
    private final String origin;
    private final String host;
    private final long port;

    WebexSpans(CamelContext context, URI base, int port) {
        this.tracer = context.getRegistry().findSingleByType(Tracer.class);
        this.host = base.getHost();
        this.port = port;
        this.origin = base.getScheme() + "://" + host + (base.getPort() > 0 ? ":" + base.getPort() : "");
    }

    /**
     * The context the calls of one operation belong to, taken on the caller's thread: in a route it is the
     * {@code webex:} endpoint's span, which Camel's tracer makes current just before the producer runs
     * ({@code OpenTelemetryTracer.activate}). Retries and further pages run on Vert.x threads and get it passed.
     */
    Context current() {
        return tracer == null ? null : Context.current();
    }

    /** Starts the span of one request; null when tracing is off. */
    Span start(Context parent, HttpMethod method, String uri) {
        if (tracer == null) {
            return null;
        }
        return tracer.spanBuilder(method.name())
                .setSpanKind(SpanKind.CLIENT)
                .setParent(parent != null ? parent : Context.current())
                .setAttribute(METHOD, method.name())
                .setAttribute(URL, origin + uri)
                .setAttribute(SERVER, host)
                .setAttribute(PORT, port)
                .startSpan();
    }

    /** Ends it with the answer's status (>= 400 is an error, as the conventions say for a client), or no answer. */
    static void end(Span span, int status, Throwable noAnswer) {
        if (span == null) {
            return;
        }
        if (noAnswer != null) {
            span.setAttribute(ERROR_TYPE, noAnswer.getCause() != null ? noAnswer.getCause().getClass().getName()
                    : noAnswer.getClass().getName());
            span.setStatus(StatusCode.ERROR);
        } else {
            span.setAttribute(STATUS, status);
            if (status >= 400) {
                span.setAttribute(ERROR_TYPE, Integer.toString(status));
                span.setStatus(StatusCode.ERROR);
            }
        }
        span.end();
    }
}
