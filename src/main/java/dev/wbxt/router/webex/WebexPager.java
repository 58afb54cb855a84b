package dev.wbxt.router.webex;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Webex list paging: follows RFC 5988 {@code Link: <...>; rel="next"} until there is none (pages may be empty), or,
 * with {@code since}, until an item was created before it. A next link must point at the configured API (the bearer
 * token must not leave for another host); query parameters a next link dropped are put back (a known Webex defect
 * with {@code mentionedPeople}); values are URL-encoded and ids checked before they reach a URL.
 */
final class WebexPager {
    private static final Pattern NEXT = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"?next\"?");
    static final int MAX_PAGES = 10_000;

    private final String baseUrl;
    private final int originLength;

    /** @param baseUrl the API URL without a trailing slash; @param basePath its path (e.g. {@code /v1}) */
    WebexPager(String baseUrl, String basePath) {
        this.baseUrl = baseUrl;
        this.originLength = baseUrl.length() - basePath.length();
    }

    /**
     * All items of every page from {@code firstUri} (path and query on the API host), fetched one page after the
     * other by {@code fetch}.
     */
    CompletableFuture<WebexClient.WebexResponse> all(String firstUri, Map<String, String> query, Instant since,
                                                     Function<String, CompletableFuture<WebexAttempts.Answer>> fetch) {
        List<Object> items = new ArrayList<>();
        return fetch.apply(firstUri).thenCompose(page -> more(page, 1, items, query, since, fetch));
    }

    private CompletableFuture<WebexClient.WebexResponse> more(WebexAttempts.Answer page, int pages, List<Object> items,
                                                              Map<String, String> query, Instant since,
                                                              Function<String, CompletableFuture<WebexAttempts.Answer>> fetch) {
        boolean older = false;
        if (page.body() instanceof Map<?, ?> m && m.get("items") instanceof List<?> l) {
            for (Object item : l) {
                if (since != null && item instanceof Map<?, ?> i && i.get("created") instanceof String c
                        && Instant.parse(c).isBefore(since)) {
                    older = true;
                    continue;
                }
                items.add(item);
            }
        }
        String next = older ? null : withParams(nextLink(page.link()), query);
        if (next == null) {
            return CompletableFuture.completedFuture(new WebexClient.WebexResponse(page.status(), page.trackingId(), items));
        }
        if (pages >= MAX_PAGES) {
            throw new WebexApiException("Webex pagination did not end", page.status(), page.trackingId(), null, false, null);
        }
        return fetch.apply(next.substring(originLength)).thenCompose(p -> more(p, pages + 1, items, query, since, fetch));
    }

    /** {@code k=v&...} of the non-empty values, URL-encoded; {@code ...Id} values must be Webex ids (or {@code me}). */
    static String encode(Map<String, String> query) {
        StringBuilder out = new StringBuilder();
        if (query != null) {
            query.forEach((k, v) -> {
                if (v == null || v.isEmpty()) {
                    return;
                }
                if (k.endsWith("Id") && !"me".equals(v)) {
                    WebexIds.require(k, v); // roomId, parentId: Webex ids only
                }
                out.append(out.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                        .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
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

    /** The next-page URL, only when it points at the configured API. */
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
}
