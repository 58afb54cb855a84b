package dev.wbxt.router.processing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonParseException;
import dev.wbxt.router.retry.PermanentFailureException;
import dev.wbxt.router.webex.WebexApiException;
import dev.wbxt.router.webex.WebexUnavailableException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one set of failure rules, as a pure decision: failure, attempt, first failure time in; verdict out. */
class FailureRulesTest {
    private static final long PATIENCE = 60_000;
    // 5 attempts, 1 s doubling up to 60 s, no jitter; Webex waits at most 5 s at a time
    private final Retries retries = new Retries(5, 1000, 2, 60_000, 0, 5000, PATIENCE);
    private final AtomicBoolean webexAnswers = new AtomicBoolean(true);
    private final FailureRules rules = new FailureRules(webexAnswers::get);

    @Test
    void aFailureThatRetryingCannotFixIsDeadLetteredAtOnce() {
        assertTrue(rules.decide(retries, new PermanentFailureException("id is not a Webex id"), 1, 0, 0).deadLetter());
        assertTrue(rules.decide(retries, new RuntimeCamelException(new PermanentFailureException("wrapped")), 1, 0, 0)
                .deadLetter(), "found in the causes");
        FailureRules.Verdict notFound = rules.decide(retries,
                new WebexApiException("Webex GET /messages/x answered 404", 404, "t", "gone", false, null), 1, 0, 0);
        assertTrue(notFound.deadLetter());
        assertTrue(notFound.reason().startsWith("WebexApiException: Webex GET /messages/x answered 404"), notFound.reason());
    }

    @Test
    void aPlainIllegalArgumentIsRetriedLikeAnyOtherFailure() {
        // a library's IllegalArgumentException says nothing about the event: before, any of them dead-lettered it
        assertEquals(1000, rules.decide(retries, new IllegalArgumentException("Illegal character in URI"), 1, 0, 0)
                .delayMillis());
    }

    @Test
    void otherFailuresBackOffThenAreDeadLetteredAfterTheLastAttempt() {
        IllegalStateException failure = new IllegalStateException("downstream broke");
        assertEquals(1000, rules.decide(retries, failure, 1, 0, 0).delayMillis());
        assertEquals(4000, rules.decide(retries, failure, 3, 0, 0).delayMillis());
        assertFalse(rules.decide(retries, failure, 4, 0, 0).deadLetter());
        assertTrue(rules.decide(retries, failure, 5, 0, 0).deadLetter());
    }

    @Test
    void aRetryAfterIsHonouredUpToTheLongestDelay() {
        assertEquals(30_000, rules.decide(retries, http(429, "30"), 1, 0, 0).delayMillis());
        assertEquals(60_000, rules.decide(retries, http(503, "3600"), 1, 0, 0).delayMillis());
        assertEquals(2000, rules.decide(retries, http(500, "30"), 2, 0, 0).delayMillis(), "only on 429 and 503");
    }

    @Test
    void anEventIsNotBlamedWhileWebexRateLimitsOrLooksDown() {
        for (WebexUnavailableException.Why why : new WebexUnavailableException.Why[] {
                WebexUnavailableException.Why.RATE_LIMITED, WebexUnavailableException.Why.CIRCUIT_OPEN}) {
            FailureRules.Verdict verdict = rules.decide(retries, unavailable(why), 100, 1, 10 * PATIENCE);
            assertFalse(verdict.deadLetter(), why.name());
            assertEquals(5000, verdict.delayMillis(), "at the outage pace");
        }
    }

    @Test
    void webexFailingOneEventBlamesItOnlyAfterThePatienceAndIfWebexAnswersOthers() {
        WebexUnavailableException failed = unavailable(WebexUnavailableException.Why.FAILED);
        long first = 1_000_000;
        assertFalse(rules.decide(retries, failed, 5, first, first + PATIENCE - 1).deadLetter(), "patience not spent");
        assertFalse(rules.decide(retries, failed, 4, first, first + PATIENCE).deadLetter(), "attempts left");
        assertFalse(rules.decide(retries, failed, 5, 0, first + PATIENCE).deadLetter(), "first failure unknown");
        webexAnswers.set(false);
        assertFalse(rules.decide(retries, failed, 5, first, first + PATIENCE).deadLetter(), "Webex is down");
        webexAnswers.set(true);
        assertTrue(rules.decide(retries, failed, 5, first, first + PATIENCE).deadLetter());
    }

    /** Permanent: the same input meets the same failure however often it is tried, anywhere in the cause chain. */
    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new PermanentFailureException("id is not a Webex id"), true),
                Arguments.of(new IllegalStateException("wrapped", new PermanentFailureException("body is not JSON")), true),
                Arguments.of(new IllegalArgumentException("Illegal character in URI"), false), // says nothing of the event
                Arguments.of(new WebexApiException("Webex GET /messages/x answered 404", 404, "t", "gone", false, null), true),
                Arguments.of(new WebexApiException("Webex POST /messages answered 500", 500, "t", null, true, null), false),
                Arguments.of(new JsonParseException((com.fasterxml.jackson.core.JsonParser) null, "Unexpected character"), true),
                Arguments.of(new IllegalStateException("downstream broke"), false),
                Arguments.of(new java.io.IOException("connection refused"), false),
                Arguments.of(http(503, "1"), false),
                Arguments.of(unavailable(WebexUnavailableException.Why.FAILED), false),
                Arguments.of(unavailable(WebexUnavailableException.Why.CIRCUIT_OPEN), false));
    }

    @ParameterizedTest(name = "{0} -> permanent: {1}")
    @MethodSource("failures")
    void aFailureIsPermanentOrNot(Throwable failure, boolean permanent) {
        assertEquals(permanent, FailureRules.isPermanent(failure));
    }

    private static HttpOperationFailedException http(int status, String retryAfter) {
        return new HttpOperationFailedException("http://127.0.0.1/x", status, "status", null,
                Map.of("Retry-After", retryAfter), "");
    }

    private static WebexUnavailableException unavailable(WebexUnavailableException.Why why) {
        return new WebexUnavailableException("Webex GET /messages/x did not answer", 503, "t", null, why);
    }
}
