package dev.wbxt.router.webex;

import static dev.wbxt.router.webex.WebexCallPolicy.Kind.DONE;
import static dev.wbxt.router.webex.WebexCallPolicy.Kind.LATER;
import static dev.wbxt.router.webex.WebexCallPolicy.Kind.PERMANENT;
import static dev.wbxt.router.webex.WebexCallPolicy.Kind.RETRY;
import static dev.wbxt.router.webex.WebexCallPolicy.Kind.UNAVAILABLE;
import static dev.wbxt.router.webex.WebexOperation.createMessage;
import static dev.wbxt.router.webex.WebexOperation.getFile;
import static dev.wbxt.router.webex.WebexOperation.getFileInfo;
import static dev.wbxt.router.webex.WebexOperation.getMessage;
import static dev.wbxt.router.webex.WebexOperation.getRoom;
import static dev.wbxt.router.webex.WebexUnavailableException.Why.FAILED;
import static dev.wbxt.router.webex.WebexUnavailableException.Why.RATE_LIMITED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.stream.Stream;

import dev.wbxt.router.retry.RetryTiming;
import dev.wbxt.router.webex.WebexCallPolicy.Attempts;
import dev.wbxt.router.webex.WebexCallPolicy.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Webex call policy as a table: operation × attempts so far × what came back → decision. */
class WebexCallPolicyTest {
    private static final long NOW = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final String IN_30_S = DateTimeFormatter.RFC_1123_DATE_TIME
            .format(Instant.ofEpochMilli(NOW + 30_000).atZone(ZoneOffset.UTC));

    /** maxAttempts 4, backoff 200 ms ×2 up to 5 s, Retry-After at most 60 s, 3 retries of a 404 after 500 ms. */
    private static WebexCallPolicy policy(double random) {
        WebexConfiguration cfg = new WebexConfiguration();
        cfg.setMaxAttempts(4);
        cfg.setInitialBackoffMillis(200);
        cfg.setBackoffMultiplier(2);
        cfg.setMaxBackoffMillis(5000);
        cfg.setBackoffJitter(0.2);
        cfg.setMaxRetryAfterMillis(60_000);
        cfg.setNotFoundRetries(3);
        cfg.setNotFoundRetryDelayMillis(500);
        return new WebexCallPolicy(cfg, () -> random);
    }

    private static Attempts a(int failures, int rateLimited, int notFound) {
        return new Attempts(failures, rateLimited, notFound);
    }

    static Stream<Arguments> table() {
        Attempts none = Attempts.NONE;
        return Stream.of(
                // op, attempts so far, status, maybe sent, Retry-After → kind, delay, reason / why, attempts after
                Arguments.of(getMessage, none, 200, false, null, DONE, 0, null, none),
                Arguments.of(createMessage, none, 204, false, null, DONE, 0, null, none),
                // 429: Retry-After in seconds, as an HTTP date, missing (15 s), 0 (1 s), too long, too often
                Arguments.of(createMessage, none, 429, false, "2", RETRY, 2000, "429", a(0, 1, 0)),
                Arguments.of(getRoom, none, 429, false, IN_30_S, RETRY, 30_000, "429", a(0, 1, 0)),
                Arguments.of(getRoom, none, 429, false, null, RETRY, 15_000, "429", a(0, 1, 0)),
                Arguments.of(getRoom, none, 429, false, "soon", RETRY, 15_000, "429", a(0, 1, 0)),
                Arguments.of(getRoom, none, 429, false, "0", RETRY, 1000, "429", a(0, 1, 0)),
                Arguments.of(getRoom, none, 429, false, "61", UNAVAILABLE, 0, RATE_LIMITED, a(0, 1, 0)),
                Arguments.of(getRoom, a(0, 3, 0), 429, false, "1", UNAVAILABLE, 0, RATE_LIMITED, a(0, 4, 0)),
                // 5xx: backoff 200, 400, 800 ms, then unavailable; a 503's Retry-After up to the longest backoff
                Arguments.of(getMessage, none, 500, false, null, RETRY, 200, "5xx", a(1, 0, 0)),
                Arguments.of(getMessage, a(1, 0, 0), 502, false, null, RETRY, 400, "5xx", a(2, 0, 0)),
                Arguments.of(getMessage, a(2, 0, 0), 503, false, null, RETRY, 800, "5xx", a(3, 0, 0)),
                Arguments.of(getMessage, a(3, 0, 0), 503, false, null, UNAVAILABLE, 0, FAILED, a(4, 0, 0)),
                Arguments.of(getMessage, none, 503, false, "3", RETRY, 3000, "5xx", a(1, 0, 0)),
                Arguments.of(getMessage, none, 503, false, "120", RETRY, 5000, "5xx", a(1, 0, 0)),
                Arguments.of(createMessage, none, 500, false, null, RETRY, 200, "5xx", a(1, 0, 0)),
                // no answer: a GET is retried whether or not it was sent; a POST only when it was not sent
                Arguments.of(getMessage, none, 0, false, null, RETRY, 200, "timeout", a(1, 0, 0)),
                Arguments.of(getMessage, none, 0, true, null, RETRY, 200, "timeout", a(1, 0, 0)),
                Arguments.of(getMessage, a(3, 0, 0), 0, true, null, UNAVAILABLE, 0, FAILED, a(4, 0, 0)),
                Arguments.of(createMessage, none, 0, false, null, RETRY, 200, "timeout", a(1, 0, 0)),
                Arguments.of(createMessage, a(1, 0, 0), 0, true, null, PERMANENT, 0, null, a(1, 0, 0)),
                // 404: retried on operations with a webhook lag, 3 times; elsewhere, and other 4xx, permanent
                Arguments.of(getMessage, none, 404, false, null, RETRY, 500, "404", a(0, 0, 1)),
                Arguments.of(getMessage, a(0, 0, 3), 404, false, null, PERMANENT, 0, null, a(0, 0, 3)),
                Arguments.of(getRoom, none, 404, false, null, PERMANENT, 0, null, none),
                Arguments.of(createMessage, none, 400, false, null, PERMANENT, 0, null, none),
                Arguments.of(getMessage, none, 401, false, null, PERMANENT, 0, null, none),
                Arguments.of(getMessage, none, 403, false, "5", PERMANENT, 0, null, none),
                // files (WEBEX-API.md 4.3b): 423 = still being scanned, wait its Retry-After (5 s without one), then
                // later (a retryable failure of the event); 410 (infected), 428 (unscannable), 404: permanent
                Arguments.of(getFile, none, 423, false, "3", RETRY, 3000, "423", a(0, 1, 0)),
                Arguments.of(getFileInfo, none, 423, false, null, RETRY, 5000, "423", a(0, 1, 0)),
                Arguments.of(getFile, a(0, 3, 0), 423, false, "3", LATER, 0, null, a(0, 4, 0)),
                Arguments.of(getFile, none, 423, false, "120", LATER, 0, null, a(0, 1, 0)),
                Arguments.of(getMessage, none, 423, false, "3", PERMANENT, 0, null, none),
                Arguments.of(getFile, none, 410, false, null, PERMANENT, 0, null, none),
                Arguments.of(getFile, none, 428, false, null, PERMANENT, 0, null, none),
                Arguments.of(getFileInfo, none, 404, false, null, PERMANENT, 0, null, none),
                Arguments.of(getFile, none, 0, true, null, RETRY, 200, "timeout", a(1, 0, 0)),
                Arguments.of(getFile, none, 503, false, null, RETRY, 200, "5xx", a(1, 0, 0)));
    }

    @ParameterizedTest(name = "{0} after {1}: {2} sent={3} Retry-After={4} -> {5} {6} ms {7}")
    @MethodSource("table")
    void decides(WebexOperation op, Attempts done, int status, boolean maybeSent, String retryAfter,
                 Kind kind, long delay, Object reasonOrWhy, Attempts next) {
        WebexCallPolicy.Decision d = policy(0).decide(op, done, status, maybeSent, retryAfter, NOW);
        assertEquals(kind, d.kind());
        assertEquals(delay, d.delayMillis());
        assertEquals(reasonOrWhy, kind == UNAVAILABLE ? d.why() : d.reason());
        assertEquals(next, d.next());
    }

    @Test
    void backoffJitterTakesOffUpToItsShare() {
        // random 0.5 with jitter 0.2: 10 % off the 400 ms of the second failure
        assertEquals(360, policy(0.5).decide(getMessage, a(1, 0, 0), 500, false, null, NOW).delayMillis());
        // a Retry-After is what Webex asked for: no jitter taken off
        assertEquals(2000, policy(0.99).decide(getMessage, Attempts.NONE, 429, false, "2", NOW).delayMillis());
    }

    @Test
    void retryAfterReadsSecondsAndDatesAsDeadLetterPolicyDid() {
        assertEquals(7000, RetryTiming.retryAfterMillis("7"));
        assertEquals(0, RetryTiming.retryAfterMillis("-3"));
        assertEquals(0, RetryTiming.retryAfterMillis("garbled"));
        assertEquals(0, RetryTiming.retryAfterMillis(null));
        assertEquals(30_000, RetryTiming.retryAfterMillis(IN_30_S, NOW).orElseThrow());
        assertEquals(0, RetryTiming.retryAfterMillis(IN_30_S, NOW + 60_000).orElseThrow(), "a date in the past");
    }
}
