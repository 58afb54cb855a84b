package dev.wbxt.router.retry;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;

/**
 * The two timing rules every retry of the service shares: how long a {@code Retry-After} header asks to wait, and
 * the exponential backoff with jitter. Pure functions, no state: the Webex call policy ({@code webex.WebexCallPolicy})
 * and the queue retries ({@code processing.Retries}, {@code processing.FailureRules}) use them.
 */
public final class RetryTiming {
    private RetryTiming() {
    }

    /**
     * The wait a {@code Retry-After} value asks for (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, relative to
     * {@code nowMillis}; a date in the past and a negative number are 0. Empty when absent or unreadable.
     */
    public static OptionalLong retryAfterMillis(String value, long nowMillis) {
        if (value == null || value.isBlank()) {
            return OptionalLong.empty();
        }
        String v = value.trim();
        try {
            return OptionalLong.of(Math.max(0, Math.multiplyExact(Long.parseLong(v), 1000L)));
        } catch (NumberFormatException | ArithmeticException notSeconds) {
            try {
                return OptionalLong.of(Math.max(0,
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli() - nowMillis));
            } catch (DateTimeParseException neither) {
                return OptionalLong.empty();
            }
        }
    }

    /** Seconds or an HTTP date from now; 0 when absent or unreadable (a queue retry then keeps its own backoff). */
    public static long retryAfterMillis(String value) {
        return retryAfterMillis(value, System.currentTimeMillis()).orElse(0);
    }

    /**
     * The wait after failed attempt {@code attempt} (1-based): {@code first * multiplier^(attempt-1)}, at most
     * {@code max}, less a random share of up to {@code jitter} of it (0: exact; 0.2: between 80 % and 100 %), so the
     * retries of many callers against one failing system spread out. {@code random} is in [0, 1) (a parameter so a
     * test can fix it; callers pass {@code ThreadLocalRandom.current().nextDouble()}).
     */
    public static long backoffMillis(int attempt, long first, double multiplier, long max, double jitter, double random) {
        double delay = Math.min(first * Math.pow(multiplier, Math.max(0, attempt - 1)), max);
        if (jitter > 0) {
            delay -= delay * Math.min(jitter, 1) * random;
        }
        return (long) delay;
    }
}
