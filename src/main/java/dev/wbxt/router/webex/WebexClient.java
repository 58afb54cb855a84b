package dev.wbxt.router.webex;

import dev.wbxt.router.retry.PermanentFailureException;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import org.apache.camel.CamelContext;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The Webex REST client: the operations of {@link WebexOperation}, asynchronous at the core
 * ({@link #executeAsync}, used by the {@code webex:} producer) with a typed synchronous facade for Java callers
 * (webhook management, backfill, tests). Its parts, one job each: {@link WebexHttp} sends one request,
 * {@link WebexAttempts} runs the attempts of one call (a retry is a timer, no thread sleeps; the circuit-breaker
 * bookkeeping, the retry counter, the token scrubbing), {@link WebexCallPolicy} decides what an answer means (done,
 * retry after N ms, Webex unavailable, permanent), {@link WebexPager} follows the pages, {@link WebexJson} reads and
 * writes the bodies, {@link WebexFiles} does the files; this class builds each operation's request, keeps the caches
 * (the bot's identity, rooms and people) and waits for an answer for the synchronous callers.
 */
public class WebexClient implements AutoCloseable {
    /** One answer: HTTP status, tracking id, parsed JSON (Map, List for list operations, or null). */
    public record WebexResponse(int status, String trackingId, Object body) {
        /** A route may change the map it was given: the cache keeps its own. */
        WebexResponse copy() {
            return body instanceof Map<?, ?> map ? new WebexResponse(status, trackingId, new LinkedHashMap<>(map)) : this;
        }
    }

    private final WebexConfiguration cfg;
    private final String basePath;
    private final WebexHttp http;
    private final WebexAttempts attempts;
    private final WebexPager pager;
    private final WebexAvailability availability;
    private final WebexFiles files;
    private volatile WebexResponse me;
    private final Cache<String, WebexResponse> recent; // rooms and people by path; null when the cache is off

    public WebexClient(CamelContext context, WebexConfiguration configuration) {
        this(context, configuration, new WebexAvailability(configuration));
    }

    public WebexClient(CamelContext context, WebexConfiguration configuration, WebexAvailability availability) {
        this(context, configuration, availability, Ticker.systemTicker());
    }

    /** {@code ticker}: the cache's clock; a test passes its own to step past the cache time without waiting. */
    WebexClient(CamelContext context, WebexConfiguration configuration, WebexAvailability availability, Ticker ticker) {
        this.cfg = configuration;
        this.availability = availability;
        if (cfg.getBotToken() == null || cfg.getBotToken().isBlank()) {
            throw new IllegalArgumentException("Webex bot token is not configured");
        }
        String baseUrl = stripSlash(cfg.getApiUrl());
        URI base = URI.create(baseUrl);
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()) || base.getHost() == null) {
            throw new IllegalArgumentException("Webex apiUrl must be http(s)://host[:port][/path]: " + baseUrl);
        }
        this.basePath = base.getRawPath() == null ? "" : base.getRawPath();
        this.http = new WebexHttp(SharedVertx.client(context), base, cfg.getBotToken(), cfg, context);
        this.attempts = new WebexAttempts(context, cfg, http, availability);
        this.pager = new WebexPager(baseUrl, basePath);
        this.files = new WebexFiles(cfg, base, basePath, http, SharedVertx.client(context), attempts::call);
        this.recent = cfg.getCacheMillis() <= 0 ? null : Caffeine.newBuilder()
                .expireAfterWrite(Duration.ofMillis(cfg.getCacheMillis()))
                .maximumSize(cfg.getCacheSize())
                .ticker(ticker)
                .build();
    }

    // ---- typed helpers for Java callers (synchronous) ------------------------------------------------------

    /** The bot's own person; fetched once, the identity does not change while running. */
    public Map<String, Object> me() {
        return asMap(execute(WebexOperation.me, null, null).body());
    }

    public Map<String, Object> getMessage(String id) {
        return asMap(execute(WebexOperation.getMessage, id, null).body());
    }

    public Map<String, Object> getRoom(String id) {
        return asMap(execute(WebexOperation.getRoom, id, null).body());
    }

    public Map<String, Object> getPerson(String id) {
        return asMap(execute(WebexOperation.getPerson, id, null).body());
    }

    public Map<String, Object> getAttachmentAction(String id) {
        return asMap(execute(WebexOperation.getAttachmentAction, id, null).body());
    }

    public Map<String, Object> createMessage(Map<String, Object> message) {
        return asMap(execute(WebexOperation.createMessage, null, message).body());
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> listWebhooks() {
        return (List<Map<String, Object>>) execute(WebexOperation.listWebhooks, null, null, null).body();
    }

    /** The rooms the bot is in, all pages; {@code query} e.g. {@code type=group}, {@code sortBy=lastactivity}. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> listRooms(Map<String, String> query) {
        return (List<Map<String, Object>>) execute(WebexOperation.listRooms, null, null, null, query).body();
    }

    /**
     * Messages of a room, newest first, following the pages until one is older than {@code since} (all of them when
     * null). A bot must pass {@code mentionedPeople=me} in group rooms (Webex answers 403 otherwise).
     */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> listMessages(Map<String, String> query, Instant since) {
        return (List<Map<String, Object>>) await(list(WebexOperation.listMessages, query, since, http.traceContext())).body();
    }

    public Map<String, Object> createWebhook(Map<String, Object> webhook) {
        return asMap(execute(WebexOperation.createWebhook, null, webhook).body());
    }

    public Map<String, Object> updateWebhook(String id, Map<String, Object> webhook) {
        return asMap(execute(WebexOperation.updateWebhook, id, webhook).body());
    }

    public void deleteWebhook(String id) {
        execute(WebexOperation.deleteWebhook, id, null);
    }

    /** As {@link #executeAsync}, waiting for the answer: for Java callers, never on a Vert.x event loop. */
    public WebexResponse execute(WebexOperation op, String id, Object body) {
        return execute(op, id, body, null);
    }

    /** As above; {@code pageSize} sets Webex's {@code max} on list operations. */
    public WebexResponse execute(WebexOperation op, String id, Object body, Integer pageSize) {
        return execute(op, id, body, pageSize, Map.of());
    }

    /** As above, with the query parameters of a list operation ({@code roomId}, {@code mentionedPeople}, ...). */
    public WebexResponse execute(WebexOperation op, String id, Object body, Integer pageSize, Map<String, String> query) {
        return await(executeAsync(op, id, body, pageSize, query));
    }

    /** A message's files: their name, type and size, and their content as a temporary file (README "Files"). */
    public WebexFiles files() {
        return files;
    }

    // ---- the one entry point ---------------------------------------------------------------------------------

    /**
     * Runs one operation; the future completes on a Vert.x event loop (do not block in what it triggers).
     * {@code id} is validated before any URL is built (invalid → PermanentFailureException thrown here, nothing sent);
     * {@code body} is a Map or a JSON object string for POST/PUT. The future fails with a {@link WebexApiException}
     * ({@link WebexUnavailableException} when Webex did not serve the call).
     */
    public CompletableFuture<WebexResponse> executeAsync(WebexOperation op, String id, Object body, Integer pageSize,
                                                         Map<String, String> query) {
        if (op.isFile()) {
            throw new PermanentFailureException("webex:" + op + " takes a file's url: WebexClient.files()");
        }
        String path = op.needsId ? op.path + WebexIds.require("id", id) : op.path;
        MultipartMessage upload = op == WebexOperation.createMessage ? MultipartMessage.of(body, cfg.getMaxFileBytes()) : null;
        Buffer json = upload != null ? upload.body() : op.hasBody() ? WebexJson.request(body) : null;
        CharSequence contentType = upload == null ? null : upload.contentType();
        io.opentelemetry.context.Context trace = http.traceContext();
        if (op == WebexOperation.me) {
            WebexResponse cached = me;
            if (cached != null) {
                return CompletableFuture.completedFuture(cached);
            }
            return attempts.call(op, basePath + path, null, null, trace).thenApply(a -> {
                WebexResponse fetched = new WebexResponse(a.status(), a.trackingId(), a.body());
                me = fetched;
                return fetched;
            });
        }
        if (op.isList()) {
            Map<String, String> q = new LinkedHashMap<>(query == null ? Map.of() : query);
            if (pageSize != null) {
                q.put("max", String.valueOf(Math.max(1, pageSize)));
            }
            return list(op, q, null, trace);
        }
        boolean cached = op.isCached() && recent != null;
        if (cached) {
            WebexResponse hit = recent.getIfPresent(path);
            if (hit != null) {
                return CompletableFuture.completedFuture(hit.copy());
            }
        }
        return attempts.call(op, basePath + path, json, contentType, trace).thenApply(a -> {
            WebexResponse response = new WebexResponse(a.status(), a.trackingId(), a.status() == 204 ? Map.of() : a.body());
            if (cached) {
                recent.put(path, response.copy());
            }
            return response;
        });
    }

    private CompletableFuture<WebexResponse> list(WebexOperation op, Map<String, String> query, Instant since,
                                                  io.opentelemetry.context.Context trace) {
        String encoded = WebexPager.encode(query);
        String first = basePath + op.path + (encoded.isEmpty() ? "" : "?" + encoded);
        return pager.all(first, query, since, uri -> attempts.call(op, uri, null, null, trace));
    }

    /**
     * Whether Webex answers at all right now: one uncached {@code GET /people/me}, no retries, sent even while the
     * circuit is open (it is one call, and it can tell that Webex is back). Asked before an event is blamed for a
     * Webex failure.
     */
    public boolean isAnswering() {
        long started = System.nanoTime();
        int status;
        try {
            status = await(http.send(HttpMethod.GET, basePath + WebexOperation.me.path, null, http.traceContext())).status();
        } catch (RuntimeException noAnswer) {
            status = 0;
        }
        if (status == 0 || status >= 500) {
            availability.failed(System.nanoTime() - started, new IOException("probe answered " + status));
            return false;
        }
        availability.answered(System.nanoTime() - started);
        return status < 300;
    }

    /** Waits for a future on the caller's thread, failing with the client's own exceptions. */
    private static <T> T await(CompletableFuture<T> future) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("a synchronous Webex call on a Vert.x event loop would block it; use executeAsync");
        }
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new WebexApiException("Webex call failed: " + cause, 0, null, null, false, cause);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object body) {
        return (Map<String, Object>) body;
    }

    private static String stripSlash(String url) {
        String u = url == null ? "" : url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    @Override
    public void close() {
        http.close();
    }
}
