package dev.wbxt.router.processing;

import java.util.concurrent.ThreadLocalRandom;

import dev.wbxt.router.retry.RetryTiming;

/**
 * How often, and how patiently, a queue consumer tries an event again: attempt n waits
 * {@code firstDelayMillis * multiplier^(n-1)} (at most {@code maxDelayMillis}) before handing it back, less a random
 * part of up to {@code jitter} of it (0: exact delays; 0.2: between 80 % and 100 %), so that the retries of many
 * consumers against one failing system spread out instead of arriving together. When Webex does not serve an event
 * (no answer, 5xx, 429), the event is not blamed for {@code webexPatienceMillis}: it waits (at most
 * {@code outageDelayMillis} at a time) for Webex to come back.
 */
public record Retries(int maxAttempts, long firstDelayMillis, double multiplier, long maxDelayMillis, double jitter,
                      long outageDelayMillis, long webexPatienceMillis) {

    /** A policy for a system other than Webex (a forward destination): no Webex outage rules apply. */
    public Retries(int maxAttempts, long firstDelayMillis, double multiplier, long maxDelayMillis, double jitter) {
        this(maxAttempts, firstDelayMillis, multiplier, maxDelayMillis, jitter, maxDelayMillis, 0);
    }

    /** The wait after failed attempt {@code attempt} (1-based). */
    public long delayAfter(int attempt) {
        return RetryTiming.backoffMillis(attempt, firstDelayMillis, multiplier, maxDelayMillis, jitter,
                ThreadLocalRandom.current().nextDouble());
    }
}
