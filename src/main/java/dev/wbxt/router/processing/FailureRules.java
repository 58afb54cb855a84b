package dev.wbxt.router.processing;

import java.util.Map;
import java.util.function.BooleanSupplier;

import dev.wbxt.router.retry.PermanentFailureException;
import dev.wbxt.router.retry.RetryTiming;
import dev.wbxt.router.webex.WebexApiException;
import dev.wbxt.router.webex.WebexUnavailableException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.util.ObjectHelper;

/**
 * What to do with an event that failed: try it again in N ms, or dead-letter it with a reason. The one place for
 * these rules, used by every consumer of a queue: the room lanes of {@code wbxt.events} ({@code rooms:}) and the
 * JMS consumers of the forward destinations ({@link DeadLetterPolicy}).
 * <ul>
 * <li>A failure the same input will meet again (an invalid id, a Webex 4xx other than 429, JSON that does not
 * parse) is dead-lettered at once.</li>
 * <li>Otherwise the event is tried again after {@link Retries#delayAfter} (backoff with jitter), or after the
 * {@code Retry-After} of a 429/503 answer (up to the longest delay), and dead-lettered after
 * {@code maxAttempts} attempts.</li>
 * <li>When Webex did not serve the event, the event is not blamed: it waits at the outage pace. If Webex rate-limits
 * or the circuit is open, it waits however long that takes; if Webex failed it again and again, the event is
 * dead-lettered only once it is out of attempts, its first failure is {@code webexPatienceMillis} old, and Webex
 * answers a plain call right now.</li>
 * </ul>
 */
public final class FailureRules {
    private final BooleanSupplier webexAnswering;

    /** @param webexAnswering whether Webex answers right now, asked before an event is blamed for a Webex failure */
    public FailureRules(BooleanSupplier webexAnswering) {
        this.webexAnswering = webexAnswering;
    }

    /** The decision: {@code deadLetter} with its reason, or a retry after {@code delayMillis}. */
    public record Verdict(boolean deadLetter, long delayMillis, String reason) {
        static Verdict retryIn(long delayMillis, Throwable failure) {
            return new Verdict(false, delayMillis, FailureRules.reason(failure));
        }

        static Verdict deadLetter(Throwable failure) {
            return new Verdict(true, 0, FailureRules.reason(failure));
        }
    }

    /**
     * @param attempt the attempt that failed, 1-based (the broker's delivery count)
     * @param firstFailedAt when this event first failed (epoch ms), or 0 when this is its first failure
     */
    public Verdict decide(Retries policy, Throwable failure, int attempt, long firstFailedAt, long now) {
        if (isPermanent(failure)) {
            return Verdict.deadLetter(failure);
        }
        boolean outOfAttempts = attempt >= policy.maxAttempts();
        WebexUnavailableException unavailable = ObjectHelper.getException(WebexUnavailableException.class, failure);
        if (unavailable == null) {
            return outOfAttempts ? Verdict.deadLetter(failure)
                    // an HTTP system that answered 429/503 with Retry-After is given that long (up to the longest delay)
                    : Verdict.retryIn(Math.max(policy.delayAfter(attempt),
                            Math.min(retryAfterMillis(failure), policy.maxDelayMillis())), failure);
        }
        // Webex failed this event again and again. It is the event's fault only after Webex had time to come back
        // and if Webex answers a plain call right now; otherwise Webex is down and the event keeps waiting.
        // Rate-limited or circuit open: the event is not at fault at all.
        if (unavailable.why() == WebexUnavailableException.Why.FAILED && outOfAttempts
                && firstFailedAt > 0 && now - firstFailedAt >= policy.webexPatienceMillis()
                && webexAnswering.getAsBoolean()) {
            return Verdict.deadLetter(failure);
        }
        // waiting for Webex goes at most at the outage pace, not an ever-growing one
        return Verdict.retryIn(Math.min(policy.delayAfter(attempt), policy.outageDelayMillis()), failure);
    }

    /**
     * A failure that the same input will meet again, however often it is retried: said so by the code that saw the
     * bad data ({@link PermanentFailureException}), by Webex (a 4xx), or by the JSON parser.
     */
    static boolean isPermanent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PermanentFailureException
                    || t instanceof WebexApiException webex && !webex.isRetryable()
                    || t instanceof com.fasterxml.jackson.core.JsonProcessingException) {
                return true;
            }
        }
        return false;
    }

    /** The {@code Retry-After} of a 429 or 503 answer from an HTTP endpoint, in ms (seconds or an HTTP date); else 0. */
    static long retryAfterMillis(Throwable failure) {
        HttpOperationFailedException http = ObjectHelper.getException(HttpOperationFailedException.class, failure);
        if (http == null || http.getStatusCode() != 429 && http.getStatusCode() != 503 || http.getResponseHeaders() == null) {
            return 0;
        }
        for (Map.Entry<String, String> header : http.getResponseHeaders().entrySet()) {
            if ("Retry-After".equalsIgnoreCase(header.getKey()) && header.getValue() != null) {
                return RetryTiming.retryAfterMillis(header.getValue());
            }
        }
        return 0;
    }

    /** The failure in one line of at most 500 characters: the dead letter's reason, the log lines. */
    public static String reason(Throwable failure) {
        if (failure == null) {
            return "unknown";
        }
        String text = (failure.getClass().getSimpleName() + ": " + failure.getMessage()).replace('\n', ' ');
        return text.length() > 500 ? text.substring(0, 500) : text;
    }
}
