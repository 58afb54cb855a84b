package dev.wbxt.router.webex;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * One HTTP exchange with the Webex API: send one request, return the answer, asynchronously, on Vert.x's
 * {@link HttpClient} (pooled keep-alive connections, no thread waits while a call is in flight). No retries and no
 * Webex rules here ({@link WebexCallPolicy} and {@link WebexClient} have them); redirects are not followed. The futures complete on a Vert.x event loop: callers must not block there.
 */
final class WebexHttp implements AutoCloseable {
    private static final CharSequence JSON_TYPE = HttpHeaders.createOptimized("application/json");
    private static final CharSequence JSON_UTF8 = HttpHeaders.createOptimized("application/json; charset=UTF-8");

    /** An answer: status, headers (Retry-After, Link, TrackingId), the body bytes (empty when none). */
    record Answer(int status, MultiMap headers, Buffer body) {
        String header(CharSequence name) {
            return headers.get(name);
        }
    }

    /**
     * No answer. {@code maybeSent}: the failure came after a connection was obtained and the request handed to it, so
     * Webex may have received and acted on it (a timeout waiting for the answer, a connection closed mid-way).
     */
    static final class NoAnswer extends Exception {
        final boolean maybeSent;

        NoAnswer(Throwable cause, boolean maybeSent) {
            super(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause, false, false);
            this.maybeSent = maybeSent;
        }

        String kind() {
            return getCause().getClass().getSimpleName();
        }
    }

    private final Vertx vertx;
    private final HttpClient client;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final long responseTimeoutMillis;
    /** Built once, read-only: Vert.x copies them into each request. */
    private final MultiMap headers;
    private final MultiMap headersWithBody;
    private final WebexSpans spans;

    /** @param base the API URL (http or https), e.g. https://webexapis.com/v1 */
    WebexHttp(Vertx vertx, URI base, String token, WebexConfiguration cfg, org.apache.camel.CamelContext context) {
        this.vertx = vertx;
        this.ssl = "https".equals(base.getScheme());
        this.host = base.getHost();
        this.port = base.getPort() > 0 ? base.getPort() : ssl ? 443 : 80;
        this.spans = new WebexSpans(context, base, port);
        this.responseTimeoutMillis = cfg.getResponseTimeoutMillis();
        CharSequence bearer = HttpHeaders.createOptimized("Bearer " + token);
        this.headers = HttpHeaders.headers()
                .add(HttpHeaderNames.AUTHORIZATION, bearer)
                .add(HttpHeaderNames.ACCEPT, JSON_TYPE);
        this.headersWithBody = HttpHeaders.headers().addAll(headers)
                .add(HttpHeaderNames.CONTENT_TYPE, JSON_UTF8);
        HttpClientOptions options = new HttpClientOptions();
        cfg.getProxy().forTarget(base).ifPresent(options::setProxyOptions);
        this.client = vertx.createHttpClient(options
                        .setName("webex")
                        .setSsl(ssl)
                        .setConnectTimeout(cfg.getConnectTimeoutMillis())
                        .setKeepAlive(true)
                        // Close an idle connection before a load balancer does (they commonly drop idle ones after
                        // 60 s): a request written into a connection the server just closed fails with no answer,
                        // and a POST is not sent again then.
                        .setKeepAliveTimeout(30)
                        .setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(cfg.getMaxConnections()));
    }

    /** The trace context of an operation's calls, taken on the caller's thread (null when tracing is off). */
    Context traceContext() {
        return spans.current();
    }

    /**
     * Sends {@code method uri} ({@code uri}: path and query on the API host, e.g. {@code /v1/messages/<id>});
     * {@code json} is the request body or null; {@code trace} is the context its span belongs to (see
     * {@link #traceContext()}).
     */
    CompletableFuture<Answer> send(HttpMethod method, String uri, Buffer json, Context trace) {
        Span span = spans.start(trace, method, uri);
        CompletableFuture<Answer> result = new CompletableFuture<>();
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setHost(host)
                .setPort(port)
                .setSsl(ssl)
                .setURI(uri)
                .setHeaders(json == null ? headers : headersWithBody)
                .setIdleTimeout(responseTimeoutMillis)
                .setFollowRedirects(false); // the bearer token goes to the configured API only
        client.request(options).onComplete(obtained -> {
            if (obtained.failed()) {
                failed(result, span, new NoAnswer(obtained.cause(), false)); // no connection: nothing sent
                return;
            }
            (json == null ? obtained.result().send() : obtained.result().send(json))
                    .compose(response -> response.body().map(body -> new Answer(response.statusCode(), response.headers(), body)))
                    .onComplete(answered -> {
                        if (answered.succeeded()) {
                            WebexSpans.end(span, answered.result().status(), null); // before the caller goes on
                            result.complete(answered.result());
                        } else {
                            failed(result, span, new NoAnswer(answered.cause(), true));
                        }
                    });
        });
        return result;
    }

    private static void failed(CompletableFuture<Answer> result, Span span, NoAnswer noAnswer) {
        WebexSpans.end(span, 0, noAnswer);
        result.completeExceptionally(noAnswer);
    }

    /** Runs {@code task} after {@code millis} on a Vert.x timer: a retry waits without holding a thread. */
    void later(long millis, Runnable task) {
        if (millis <= 0) {
            vertx.runOnContext(v -> task.run());
        } else {
            vertx.setTimer(millis, id -> task.run());
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
