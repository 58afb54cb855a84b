package dev.wbxt.router.webex;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import dev.wbxt.router.retry.RetryTiming;

/**
 * What to do after one attempt of a Webex call: a pure function of the operation, the attempts so far, and what
 * came back (status, whether the request may have reached Webex, {@code Retry-After}), to "done", "retry after N ms",
 * "Webex is unavailable" (the event is not at fault: it waits) or "permanent failure". No I/O, no clock of its own:
 * {@link WebexAttempts} runs it and turns a retry into a timer.
 * <ul>
 * <li>2xx: done.</li>
 * <li>429: wait {@code Retry-After} (seconds or an HTTP date; missing or unreadable: 15 s, as Webex's Python SDK;
 * 0: 1 s so a busy Webex is not hammered); longer than {@code maxRetryAfterMillis}, or the
 * {@code maxAttempts}-th 429: unavailable (rate limited).</li>
 * <li>5xx and no answer: backoff with jitter (a 5xx's {@code Retry-After} is honoured up to the longest backoff);
 * after {@code maxAttempts} failures: unavailable (failed).</li>
 * <li>No answer after the request was written, on a POST: permanent. Webex may have created the message, and
 * sending it again could post the reply twice; Webex answering 429/5xx means it did not, so those are retried.</li>
 * <li>404 on an operation Webex serves with a lag behind its webhook (a message, a card action): a few spaced
 * retries; any other 4xx: permanent.</li>
 * <li>423 on a file: Webex is still scanning it for malware and says when to ask again ({@code Retry-After};
 * WEBEX-API.md 4.3b): waited for like a 429; longer than {@code maxRetryAfterMillis}, or the {@code maxAttempts}-th
 * 423: later (the event is tried again later, as any failure, and dead-lettered after its attempts: a file that stays
 * locked must not hold its room for the hour of Webex patience).</li>
 * </ul>
 */
public final class WebexCallPolicy {
    /** Webex's Python SDK waits this long when a 429 has no readable Retry-After. */
    static final long DEFAULT_RETRY_AFTER_MILLIS = 15_000;
    private static final long MIN_RETRY_AFTER_MILLIS = 1_000;
    /** A 423 without a readable Retry-After: ask again after this long (Webex documents the header, not a default). */
    static final long DEFAULT_SCAN_WAIT_MILLIS = 5_000;

    /** LATER: not served yet, through no fault of Webex (a file being scanned): a retryable failure of the event. */
    public enum Kind { DONE, RETRY, UNAVAILABLE, PERMANENT, LATER }

    /** The attempts of one call so far, by cause. */
    public record Attempts(int failures, int rateLimited, int notFound) {
        public static final Attempts NONE = new Attempts(0, 0, 0);
    }

    /**
     * The decision. {@code delayMillis} for RETRY; {@code reason} the retry's metric label (429, 5xx, timeout, 404);
     * {@code why} for UNAVAILABLE; {@code next} the attempts to pass to the next decision.
     */
    public record Decision(Kind kind, long delayMillis, String reason, WebexUnavailableException.Why why, Attempts next) {
    }

    private final WebexConfiguration cfg;
    private final DoubleSupplier random;

    public WebexCallPolicy(WebexConfiguration cfg) {
        this(cfg, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random in [0, 1), the jitter's draw (a test fixes it) */
    public WebexCallPolicy(WebexConfiguration cfg, DoubleSupplier random) {
        this.cfg = cfg;
        this.random = random;
    }

    /**
     * @param status      the HTTP status, 0 when no answer came (timeout, refused, reset)
     * @param maybeSent   with status 0: the request may have reached Webex (it was written before the failure)
     * @param retryAfter  the {@code Retry-After} header, or null
     */
    public Decision decide(WebexOperation op, Attempts done, int status, boolean maybeSent, String retryAfter, long nowMillis) {
        if (status >= 200 && status < 300) {
            return new Decision(Kind.DONE, 0, null, null, done);
        }
        if (status == 0 && maybeSent && !op.isIdempotent()) {
            return permanent(done);
        }
        if (status == 0 || status >= 500) {
            Attempts next = new Attempts(done.failures() + 1, done.rateLimited(), done.notFound());
            if (next.failures() >= cfg.getMaxAttempts()) {
                return new Decision(Kind.UNAVAILABLE, 0, null, WebexUnavailableException.Why.FAILED, next);
            }
            long wait = RetryTiming.backoffMillis(next.failures(), cfg.getInitialBackoffMillis(), cfg.getBackoffMultiplier(),
                    cfg.getMaxBackoffMillis(), cfg.getBackoffJitter(), random.getAsDouble());
            if (status != 0) {
                long asked = RetryTiming.retryAfterMillis(retryAfter, nowMillis).orElse(0);
                wait = Math.max(wait, Math.min(asked, cfg.getMaxBackoffMillis()));
            }
            return new Decision(Kind.RETRY, wait, status == 0 ? "timeout" : "5xx", null, next);
        }
        if (status == 429) {
            Attempts next = new Attempts(done.failures(), done.rateLimited() + 1, done.notFound());
            long wait = Math.max(MIN_RETRY_AFTER_MILLIS,
                    RetryTiming.retryAfterMillis(retryAfter, nowMillis).orElse(DEFAULT_RETRY_AFTER_MILLIS));
            if (wait > cfg.getMaxRetryAfterMillis() || next.rateLimited() >= cfg.getMaxAttempts()) {
                return new Decision(Kind.UNAVAILABLE, 0, null, WebexUnavailableException.Why.RATE_LIMITED, next);
            }
            return new Decision(Kind.RETRY, wait, "429", null, next);
        }
        if (status == 423 && op.isFile()) {
            Attempts next = new Attempts(done.failures(), done.rateLimited() + 1, done.notFound());
            long wait = Math.max(MIN_RETRY_AFTER_MILLIS,
                    RetryTiming.retryAfterMillis(retryAfter, nowMillis).orElse(DEFAULT_SCAN_WAIT_MILLIS));
            if (wait > cfg.getMaxRetryAfterMillis() || next.rateLimited() >= cfg.getMaxAttempts()) {
                return new Decision(Kind.LATER, 0, null, null, next);
            }
            return new Decision(Kind.RETRY, wait, "423", null, next);
        }
        if (status == 404 && op.retriesNotFound && done.notFound() < cfg.getNotFoundRetries()) {
            return new Decision(Kind.RETRY, cfg.getNotFoundRetryDelayMillis(), "404", null,
                    new Attempts(done.failures(), done.rateLimited(), done.notFound() + 1));
        }
        return permanent(done);
    }

    private static Decision permanent(Attempts done) {
        return new Decision(Kind.PERMANENT, 0, null, null, done);
    }
}
