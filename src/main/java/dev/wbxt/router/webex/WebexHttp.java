package dev.wbxt.router.webex;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
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

    /**
     * An answer: status, headers (Retry-After, Link, TrackingId, a file's Content-Type...), the body bytes (empty when
     * none, and for a download, whose body went to its file), and the bytes a download wrote.
     */
    record Answer(int status, MultiMap headers, Buffer body, long streamed) {
        Answer(int status, MultiMap headers, Buffer body) {
            this(status, headers, body, body.length());
        }

        String header(CharSequence name) {
            return headers.get(name);
        }
    }

    /**
     * A download stopped because its body is larger than allowed: {@code bytes} is the declared length, or the limit
     * that the bytes that arrived passed (the connection is reset then: nothing more is read).
     */
    static final class TooLarge extends Exception {
        final long bytes;
        final boolean declared;

        TooLarge(long bytes, boolean declared) {
            super((declared ? "its Content-Length is " + bytes + " bytes" : "more than " + bytes + " bytes arrived")
                    + ", over the limit", null, false, false);
            this.bytes = bytes;
            this.declared = declared;
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
    private final MultiMap fileHeaders;
    private final MultiMap downloadHeaders;
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
        // a file is whatever type it is: no Accept of JSON for /contents/
        this.fileHeaders = HttpHeaders.headers().add(HttpHeaderNames.AUTHORIZATION, bearer)
                .add(HttpHeaderNames.ACCEPT, HttpHeaders.createOptimized("*/*"));
        // A download's connection is not used again: a body cut off at the limit is cut by resetting its request, and
        // Vert.x 4.5 closes the connection then even when the response had already been read off it (a small body
        // arrives whole while the response waits for its file to open) and the pool has given the connection to the
        // next request, whose answer is then lost (Http1xClientConnection.reset: "inflight = ... || responseEnded").
        // Seen as the reply to the cut-off ("got no answer (Connection was closed)"), not sent again as a POST.
        this.downloadHeaders = HttpHeaders.headers().addAll(fileHeaders)
                .add(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
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
        return send(method, uri, json, null, trace);
    }

    /**
     * As above with a body of another type than JSON ({@code contentType}, e.g. a multipart message with a file);
     * null: JSON. A HEAD goes with the headers of a file call (WebexFiles).
     */
    CompletableFuture<Answer> send(HttpMethod method, String uri, Buffer body, CharSequence contentType, Context trace) {
        Span span = spans.start(trace, method, uri);
        CompletableFuture<Answer> result = new CompletableFuture<>();
        MultiMap requestHeaders = method == HttpMethod.HEAD ? fileHeaders : body == null ? headers
                : contentType == null ? headersWithBody
                : HttpHeaders.headers().addAll(headers).add(HttpHeaderNames.CONTENT_TYPE, contentType);
        client.request(options(method, uri, requestHeaders)).onComplete(obtained -> {
            if (obtained.failed()) {
                failed(result, span, new NoAnswer(obtained.cause(), false)); // no connection: nothing sent
                return;
            }
            (body == null ? obtained.result().send() : obtained.result().send(body))
                    .compose(response -> response.body().map(bytes -> new Answer(response.statusCode(), response.headers(), bytes)))
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

    private RequestOptions options(HttpMethod method, String uri, MultiMap requestHeaders) {
        return new RequestOptions()
                .setMethod(method)
                .setHost(host)
                .setPort(port)
                .setSsl(ssl)
                .setURI(uri)
                .setHeaders(requestHeaders)
                .setIdleTimeout(responseTimeoutMillis) // for a download: the longest silence between two chunks
                .setFollowRedirects(false); // the bearer token goes to the configured API only
    }

    /**
     * GETs {@code uri} (a file on the API host) and streams a 2xx body into {@code target}, an existing file it
     * truncates, at most {@code maxBytes}: a larger Content-Length is refused before any byte is read, and a body that
     * grows past the limit anyway is cut off (the connection is reset), both with {@link TooLarge}. The file is written
     * through Vert.x's AsyncFile with back-pressure (the response pauses while the disk catches up), so no thread
     * waits and no more than a few chunks are held in memory. Any other answer comes back with its (error) body, the
     * file untouched. The caller deletes the file after a failure.
     */
    CompletableFuture<Answer> download(String uri, Path target, long maxBytes, Context trace) {
        Span span = spans.start(trace, HttpMethod.GET, uri);
        CompletableFuture<Answer> result = new CompletableFuture<>();
        AtomicBoolean ended = new AtomicBoolean();
        client.request(options(HttpMethod.GET, uri, downloadHeaders)).onComplete(obtained -> {
            if (obtained.failed()) {
                failed(result, span, new NoAnswer(obtained.cause(), false));
                return;
            }
            HttpClientRequest request = obtained.result();
            request.send().onComplete(sent -> {
                if (sent.failed()) {
                    failed(result, span, new NoAnswer(sent.cause(), true));
                    return;
                }
                HttpClientResponse response = sent.result();
                int status = response.statusCode();
                if (status < 200 || status >= 300) {
                    response.body().onComplete(body -> {
                        if (body.succeeded()) {
                            WebexSpans.end(span, status, null);
                            result.complete(new Answer(status, response.headers(), body.result()));
                        } else {
                            failed(result, span, new NoAnswer(body.cause(), true));
                        }
                    });
                    return;
                }
                long declared = contentLength(response.headers().get(HttpHeaderNames.CONTENT_LENGTH));
                if (declared > maxBytes) {
                    tooLarge(request, result, span, ended, new TooLarge(declared, true));
                    return;
                }
                response.pause();
                vertx.fileSystem().open(target.toString(), new OpenOptions().setWrite(true).setCreate(false)
                        .setTruncateExisting(true)).onComplete(opened -> {
                    if (opened.failed()) {
                        request.reset();
                        WebexSpans.end(span, status, null);
                        result.completeExceptionally(opened.cause());
                        return;
                    }
                    stream(request, response, opened.result(), maxBytes, status, span, ended, result);
                });
            });
        });
        return result;
    }

    private static void stream(HttpClientRequest request, HttpClientResponse response, AsyncFile file, long maxBytes,
                               int status, Span span, AtomicBoolean ended, CompletableFuture<Answer> result) {
        long[] written = {0};
        file.exceptionHandler(e -> {
            request.reset();
            if (ended.compareAndSet(false, true)) {
                file.close();
                WebexSpans.end(span, status, null);
                result.completeExceptionally(e);
            }
        });
        response.handler(chunk -> {
            written[0] += chunk.length();
            if (written[0] > maxBytes) {
                response.handler(null);
                tooLarge(request, result, span, ended, new TooLarge(maxBytes, false));
                file.close();
                return;
            }
            file.write(chunk);
            if (file.writeQueueFull()) {
                response.pause();
                file.drainHandler(v -> response.resume());
            }
        });
        response.exceptionHandler(e -> {
            if (ended.compareAndSet(false, true)) {
                file.close();
                failed(result, span, new NoAnswer(e, true));
            }
        });
        response.endHandler(v -> file.close().onComplete(closed -> { // close() writes what is still queued
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            WebexSpans.end(span, status, null);
            if (closed.succeeded()) {
                result.complete(new Answer(status, response.headers(), Buffer.buffer(), written[0]));
            } else {
                result.completeExceptionally(closed.cause());
            }
        }));
        response.resume();
    }

    /**
     * Cuts a download off: ended first, since the reset fails the response, which must not count as "no answer" (a GET
     * would be tried again, and cut off again); the reset before the caller hears of it, so that nothing it sends next
     * can meet the reset.
     */
    private static void tooLarge(HttpClientRequest request, CompletableFuture<Answer> result, Span span,
                                 AtomicBoolean ended, TooLarge why) {
        if (ended.compareAndSet(false, true)) {
            request.reset();
            WebexSpans.end(span, 0, why);
            result.completeExceptionally(why);
        }
    }

    /** The Content-Length header as a number; -1 when absent or not a number (a chunked body). */
    static long contentLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
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
