package dev.wbxt.router.processing;

/**
 * How often, and how patiently, a queue consumer tries an event again: attempt n waits
 * {@code firstDelayMillis * multiplier^(n-1)} (at most {@code maxDelayMillis}) before handing it back.
 */
public record Retries(int maxAttempts, long firstDelayMillis, double multiplier, long maxDelayMillis) {

    /** The wait after failed attempt {@code attempt} (1-based). */
    public long delayAfter(int attempt) {
        double delay = firstDelayMillis * Math.pow(multiplier, Math.max(0, attempt - 1));
        return (long) Math.min(delay, maxDelayMillis);
    }
}
