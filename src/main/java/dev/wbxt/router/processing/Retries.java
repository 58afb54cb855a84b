package dev.wbxt.router.processing;

/**
 * How often, and how patiently, a queue consumer tries an event again: attempt n waits
 * {@code firstDelayMillis * multiplier^(n-1)} (at most {@code maxDelayMillis}) before handing it back. When Webex does
 * not serve an event (no answer, 5xx, 429), the event is not blamed for {@code webexPatienceMillis}: it waits (at most
 * {@code outageDelayMillis} at a time) for Webex to come back.
 */
public record Retries(int maxAttempts, long firstDelayMillis, double multiplier, long maxDelayMillis,
                      long outageDelayMillis, long webexPatienceMillis) {

    /** The wait after failed attempt {@code attempt} (1-based). */
    public long delayAfter(int attempt) {
        double delay = firstDelayMillis * Math.pow(multiplier, Math.max(0, attempt - 1));
        return (long) Math.min(delay, maxDelayMillis);
    }
}
