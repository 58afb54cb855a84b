package dev.wbxt.router.webex;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.http.HttpConstants;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Webex REST client on camel-http: every request goes through one camel-http endpoint built from the configured
 * base URL (so http and https both work and the component's pooled connection manager is reused), with the
 * per-request path in {@code CamelHttpPath} (or the absolute next-page URL in {@code CamelHttpUri}).
 * Retries live here so every caller gets the same Webex-aware policy (429 Retry-After, 5xx/timeout back-off,
 * 404 lag on freshly notified messages).
 */
public class WebexClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebexClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final Pattern NEXT = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"?next\"?");
    /** Python SDK behaviour when Retry-After is missing or unreadable. */
    static final long DEFAULT_RETRY_AFTER_MILLIS = 15_000;

    /** One answer: HTTP status, tracking id, parsed JSON (Map, List for listWebhooks, or null). */
    public record WebexResponse(int status, String trackingId, Object body) {
        /** A route may change the map it was given: the cache keeps its own. */
        WebexResponse copy() {
            return body instanceof Map<?, ?> map ? new WebexResponse(status, trackingId, new java.util.LinkedHashMap<>(map)) : this;
        }

    }

    private final CamelContext context;
    private final WebexConfiguration cfg;
    private final String baseUrl;
    private final ProducerTemplate template;
    private final Endpoint http;
    private final WebexAvailability availability;
    private volatile WebexResponse me;
    private final Cache<String, WebexResponse> recent; // rooms and people by path; null when the cache is off
    private volatile MeterRegistry meters;
    private volatile boolean metersLooked;

    public WebexClient(CamelContext context, WebexConfiguration configuration) {
        this(context, configuration, new WebexAvailability(configuration));
    }

    public WebexClient(CamelContext context, WebexConfiguration configuration, WebexAvailability availability) {
        this.context = context;
        this.cfg = configuration.copy();
        this.availability = availability;
        if (cfg.getBotToken() == null || cfg.getBotToken().isBlank()) {
            throw new IllegalArgumentException("Webex bot token is not configured");
        }
        this.baseUrl = stripSlash(cfg.getApiUrl());
        URI base = URI.create(baseUrl);
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("Webex apiUrl must be http(s): " + baseUrl);
        }
        // The retry policy below is the only one: HttpClient would otherwise re-send a 429/503 once on its own,
        // after its own fixed second, hiding Retry-After and doubling every count.
        context.getComponent(base.getScheme(), HttpComponent.class).setAutomaticRetriesDisabled(true);
        // throwExceptionOnFailure=false: Webex errors come back as answers, the retry policy below reads them.
        this.http = context.getEndpoint(baseUrl + "?throwExceptionOnFailure=false"
                + "&connectTimeout=" + cfg.getConnectTimeoutMillis()
                + "&responseTimeout=" + cfg.getResponseTimeoutMillis()
                + "&soTimeout=" + cfg.getResponseTimeoutMillis()
                + "&followRedirects=false");
        this.template = context.createProducerTemplate();
        this.recent = cfg.getCacheMillis() <= 0 ? null : Caffeine.newBuilder()
                .expireAfterWrite(Duration.ofMillis(cfg.getCacheMillis()))
                .maximumSize(cfg.getCacheSize())
                .build();
    }

    // ---- typed helpers for Java callers ------------------------------------------------------------------

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
    public List<Map<String, Object>> listMessages(Map<String, String> query, java.time.Instant since) {
        return (List<Map<String, Object>>) listAll(WebexOperation.listMessages, WebexOperation.listMessages.path,
                query, since).body();
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

    // ---- the one entry point -----------------------------------------------------------------------------

    /**
     * Runs one operation. {@code id} is validated before any URL is built (invalid → IllegalArgumentException,
     * nothing sent); {@code body} is a Map or a JSON object string for POST/PUT.
     */
    public WebexResponse execute(WebexOperation op, String id, Object body) {
        return execute(op, id, body, null);
    }

    /** As {@link #execute(WebexOperation, String, Object)}; {@code pageSize} sets Webex's {@code max} on list operations. */
    public WebexResponse execute(WebexOperation op, String id, Object body, Integer pageSize) {
        return execute(op, id, body, pageSize, Map.of());
    }

    /** As above, with the query parameters of a list operation ({@code roomId}, {@code mentionedPeople}, ...). */
    public WebexResponse execute(WebexOperation op, String id, Object body, Integer pageSize, Map<String, String> query) {
        String path = op.path;
        if (op.needsId) {
            path = path + WebexIds.require("id", id);
        }
        String json = op.hasBody() ? toJson(body) : null;
        if (op == WebexOperation.me) {
            WebexResponse cached = me;
            if (cached == null) {
                Answer a = send(op, path, null, null);
                cached = new WebexResponse(a.status(), a.trackingId(), a.body());
                me = cached;
            }
            return cached;
        }
        if (op.isList()) {
            Map<String, String> q = new java.util.LinkedHashMap<>(query == null ? Map.of() : query);
            if (pageSize != null) {
                q.put("max", String.valueOf(Math.max(1, pageSize)));
            }
            return listAll(op, path, q, null);
        }
        boolean cached = op.isCached() && recent != null;
        if (cached) {
            WebexResponse hit = recent.getIfPresent(path);
            if (hit != null) {
                return hit.copy();
            }
        }
        Answer r = send(op, path, null, json);
        WebexResponse response = new WebexResponse(r.status(), r.trackingId(), r.status() == 204 ? Map.of() : r.body());
        if (cached) {
            recent.put(path, response.copy());
        }
        return response;
    }

    /**
     * Follows RFC 5988 Link rel="next" until there is none (pages may be empty), or, with {@code since}, until an item
     * was created before it. Query parameters a next link dropped are put back (a known Webex defect with
     * {@code mentionedPeople}); values are URL-encoded, ids are checked before they reach a URL.
     */
    private WebexResponse listAll(WebexOperation op, String path, Map<String, String> query, java.time.Instant since) {
        String encoded = encode(query);
        List<Object> items = new ArrayList<>();
        Answer page = send(op, encoded.isEmpty() ? path : path + "?" + encoded, null, null);
        for (int pages = 1; ; pages++) {
            boolean older = false;
            if (page.body() instanceof Map<?, ?> m && m.get("items") instanceof List<?> l) {
                for (Object item : l) {
                    if (since != null && item instanceof Map<?, ?> i && i.get("created") instanceof String c
                            && java.time.Instant.parse(c).isBefore(since)) {
                        older = true;
                        continue;
                    }
                    items.add(item);
                }
            }
            String next = older ? null : withParams(nextLink(page.link()), query);
            if (next == null) {
                return new WebexResponse(page.status(), page.trackingId(), items);
            }
            if (pages >= 10_000) {
                throw new WebexApiException("Webex pagination did not end", page.status(), page.trackingId(), null, false, null);
            }
            page = send(op, null, next, null);
        }
    }

    private static String encode(Map<String, String> query) {
        StringBuilder out = new StringBuilder();
        if (query != null) {
            query.forEach((k, v) -> {
                if (v == null || v.isEmpty()) {
                    return;
                }
                if (k.endsWith("Id") && !"me".equals(v)) {
                    WebexIds.require(k, v); // roomId, parentId: Webex ids only
                }
                out.append(out.length() == 0 ? "" : "&").append(java.net.URLEncoder.encode(k, java.nio.charset.StandardCharsets.UTF_8))
                        .append('=').append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8));
            });
        }
        return out.toString();
    }

    /** The next link with every original parameter it lost put back. */
    private static String withParams(String next, Map<String, String> query) {
        if (next == null || query == null) {
            return next;
        }
        StringBuilder url = new StringBuilder(next);
        query.forEach((k, v) -> {
            if (v != null && !v.isEmpty() && !next.matches(".*[?&]" + Pattern.quote(k) + "=.*")) {
                url.append(url.indexOf("?") < 0 ? '?' : '&').append(encode(Map.of(k, v)));
            }
        });
        return url.toString();
    }

    /** The next-page URL, only when it points at the configured API: the bearer token must not leave for another host. */
    private String nextLink(String linkHeader) {
        if (linkHeader == null) {
            return null;
        }
        Matcher m = NEXT.matcher(linkHeader);
        if (!m.find()) {
            return null;
        }
        String next = m.group(1);
        if (!next.startsWith(baseUrl + "/")) {
            throw new WebexApiException("Webex returned a next-page link outside the configured API URL", 0, null, null,
                    false, null);
        }
        return next;
    }

    /**
     * Whether Webex answers at all right now: one uncached {@code GET /people/me}, no retries, sent even while the
     * circuit is open (it is one call, and it can tell that Webex is back). Asked before an event is blamed for a
     * Webex failure.
     */
    public boolean isAnswering() {
        long started = System.nanoTime();
        Exchange ex = template.send(http, e -> prepare(e.getIn(), "GET", WebexOperation.me.path, null, null));
        int status = ex.getException() != null ? 0 : ex.getMessage().getHeader(HttpConstants.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status == 0 || status >= 500) {
            availability.failed(System.nanoTime() - started, new IOException("probe answered " + status));
            return false;
        }
        availability.answered(System.nanoTime() - started);
        return status < 300;
    }

    // ---- one HTTP exchange with the retry policy -------------------------------------------------------------

    /** An HTTP answer before it becomes a WebexResponse: keeps the Link header for paging. */
    private record Answer(int status, String trackingId, Object body, String link) {
    }

    /**
     * Sends with retries. Exactly one of {@code path} (relative to the base URL) and {@code absoluteUrl} is set.
     * 429 → sleep Retry-After (capped; too long → retryable failure); 5xx and I/O errors → exponential back-off
     * up to maxAttempts; 404 on operations with a Webex sync lag → a few spaced retries; other 4xx → fail at once.
     */
    private Answer send(WebexOperation op, String path, String absoluteUrl, String json) {
        String what = op.method + " " + (path != null ? path : URI.create(absoluteUrl).getRawPath());
        int failures = 0;
        int rateLimited = 0;
        int notFound = 0;
        String lastFailure = null;
        while (true) {
            if (!availability.tryCall()) {
                // Not called at all: the event is not at fault. After failed calls of its own, it may be.
                throw new WebexUnavailableException("Webex " + what + " not called: Webex looks down (circuit open)"
                        + (failures > 0 ? " after " + failures + " failed attempt(s), the last: " + lastFailure : ""),
                        0, null, null,
                        failures > 0 ? WebexUnavailableException.Why.FAILED : WebexUnavailableException.Why.CIRCUIT_OPEN);
            }
            long started = System.nanoTime();
            Exchange ex = template.send(http, e -> prepare(e.getIn(), op.method, path, absoluteUrl, json));
            Exception error = ex.getException();
            if (error != null) {
                availability.failed(System.nanoTime() - started, error);
                IOException io = findIo(error);
                if (io == null) {
                    throw new WebexApiException("Webex " + what + " failed: " + scrub(String.valueOf(error.getMessage())),
                            0, null, null, false, null);
                }
                failures++;
                lastFailure = "no answer (" + io.getClass().getSimpleName() + ")";
                LOG.warn("Webex {} got no answer ({}: {}), attempt {}/{}", what, io.getClass().getSimpleName(),
                        scrub(String.valueOf(io.getMessage())), failures, cfg.getMaxAttempts());
                if (failures >= cfg.getMaxAttempts()) {
                    throw new WebexUnavailableException("Webex " + what + " got no answer after " + failures
                            + " attempts: " + io.getClass().getSimpleName(), 0, null, null, WebexUnavailableException.Why.FAILED);
                }
                retried("timeout");
                pause(backoff(failures));
                continue;
            }
            Message rsp = ex.getMessage();
            int status = rsp.getHeader(HttpConstants.HTTP_RESPONSE_CODE, 0, Integer.class);
            if (status >= 500) {
                availability.failed(System.nanoTime() - started, new IOException("HTTP " + status));
            } else {
                availability.answered(System.nanoTime() - started);
            }
            String text = rsp.getBody(String.class);
            Map<String, Object> errorBody = status >= 300 ? parseMap(text) : null;
            String trackingId = trackingId(rsp, errorBody);
            if (status >= 200 && status < 300) {
                return new Answer(status, trackingId, parseJson(text), rsp.getHeader("Link", String.class));
            }
            String webexMessage = errorBody == null ? null : scrub(String.valueOf(errorBody.get("message")));
            LOG.warn("Webex {} answered {} \"{}\" trackingId={}", what, status, webexMessage, trackingId);
            String failure = "Webex " + what + " answered " + status + (webexMessage == null ? "" : " \"" + webexMessage + "\"")
                    + " (trackingId=" + trackingId + ")";
            if (status == 429) {
                long wait = retryAfterMillis(rsp.getHeader("Retry-After", String.class));
                rateLimited++;
                if (wait > cfg.getMaxRetryAfterMillis() || rateLimited >= cfg.getMaxAttempts()) {
                    // Webex asked us to wait: the event is not at fault, it waits rather than dead-letters
                    throw new WebexUnavailableException(failure, status, trackingId, webexMessage,
                            WebexUnavailableException.Why.RATE_LIMITED);
                }
                retried("429");
                pause(wait);
            } else if (status >= 500) {
                failures++;
                lastFailure = "answered " + status;
                if (failures >= cfg.getMaxAttempts()) {
                    throw new WebexUnavailableException(failure, status, trackingId, webexMessage,
                            WebexUnavailableException.Why.FAILED);
                }
                retried("5xx");
                pause(backoff(failures));
            } else if (status == 404 && op.retriesNotFound && notFound < cfg.getNotFoundRetries()) {
                notFound++;
                retried("404");
                pause(cfg.getNotFoundRetryDelayMillis());
            } else {
                throw new WebexApiException(failure, status, trackingId, webexMessage, false, null);
            }
        }
    }

    private void prepare(Message in, String method, String path, String absoluteUrl, String json) {
        // The enum, not its name: camel-http converts a String method header by scanning every type converter
        // (a cache miss each time), which was a sixth of the processing CPU.
        in.setHeader(HttpConstants.HTTP_METHOD, HttpMethods.valueOf(method));
        if (absoluteUrl != null) {
            in.setHeader(HttpConstants.HTTP_URI, absoluteUrl);
        } else {
            int q = path.indexOf('?');
            in.setHeader(HttpConstants.HTTP_PATH, q < 0 ? path : path.substring(0, q));
            if (q >= 0) {
                in.setHeader(HttpConstants.HTTP_QUERY, path.substring(q + 1));
            }
        }
        in.setHeader("Authorization", "Bearer " + cfg.getBotToken());
        in.setHeader("Accept", "application/json");
        if (json != null) {
            in.setHeader(HttpConstants.CONTENT_TYPE, "application/json; charset=UTF-8");
            in.setBody(json);
        }
    }

    /** Seconds per Webex docs; missing or garbled → 15 s (Python SDK), 0 → 1 s. */
    static long retryAfterMillis(String header) {
        if (header == null) {
            return DEFAULT_RETRY_AFTER_MILLIS;
        }
        try {
            long seconds = Long.parseLong(header.trim());
            if (seconds < 0) {
                return DEFAULT_RETRY_AFTER_MILLIS;
            }
            return Math.max(1, seconds) * 1000L;
        } catch (NumberFormatException e) {
            return DEFAULT_RETRY_AFTER_MILLIS;
        }
    }

    private long backoff(int failures) {
        double millis = cfg.getInitialBackoffMillis() * Math.pow(cfg.getBackoffMultiplier(), failures - 1);
        return (long) Math.min(millis, cfg.getMaxBackoffMillis());
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebexApiException("Interrupted while waiting to retry a Webex call", 0, null, null, true, e);
        }
    }

    private void retried(String reason) {
        if (!metersLooked) {
            meters = context.getRegistry().findSingleByType(MeterRegistry.class);
            metersLooked = true;
        }
        MeterRegistry registry = meters;
        if (registry != null) {
            registry.counter("wbxt_webex_retries_total", "reason", reason).increment();
        }
    }

    private static String trackingId(Message rsp, Map<String, Object> errorBody) {
        if (errorBody != null && errorBody.get("trackingId") != null) {
            return String.valueOf(errorBody.get("trackingId"));
        }
        return rsp.getHeader("TrackingId", String.class); // Camel headers are case-insensitive: Trackingid too
    }

    private static IOException findIo(Throwable t) {
        return ObjectHelper.getException(IOException.class, t);
    }

    /** Defence in depth: whatever a server or library echoes, the token never leaves in a message. */
    private String scrub(String text) {
        return text == null ? null : text.replace(cfg.getBotToken(), "***");
    }

    private static String toJson(Object body) {
        if (body == null) {
            throw new IllegalArgumentException("Webex request body is missing");
        }
        try {
            if (body instanceof String s) {
                if (!(JSON.readTree(s).isObject())) {
                    throw new IllegalArgumentException("Webex request body must be a JSON object");
                }
                return s;
            }
            if (body instanceof Map<?, ?>) {
                return JSON.writeValueAsString(body);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("Webex request body is not valid JSON", e);
        }
        throw new IllegalArgumentException("Webex request body must be a Map or a JSON string, not " + body.getClass().getName());
    }

    private static Object parseJson(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return JSON.readValue(text, Object.class);
        } catch (IOException e) {
            throw new WebexApiException("Webex answered with invalid JSON", 0, null, null, false, e);
        }
    }

    private static Map<String, Object> parseMap(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return JSON.readValue(text, MAP);
        } catch (IOException e) {
            return null; // an error page that is not Webex JSON (a proxy, a load balancer)
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
        try {
            template.close();
        } catch (IOException e) {
            LOG.debug("closing producer template", e);
        }
    }
}
