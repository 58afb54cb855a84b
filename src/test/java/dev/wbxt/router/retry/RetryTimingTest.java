package dev.wbxt.router.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The two timing rules every retry shares, as tables: a {@code Retry-After} value in, a wait out. */
class RetryTimingTest {
    /** Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's example date, as epoch ms. */
    private static final long NOW = 784_111_777_000L;

    @ParameterizedTest(name = "Retry-After ''{0}'' -> {1} ms")
    @CsvSource(nullValues = "absent", value = {
            "'7',                              7000",
            "' 7 ',                            7000",   // whitespace around it
            "'0',                              0",
            "'-3',                             0",      // negative: now
            "'Sun, 06 Nov 1994 08:50:07 GMT', 30000",  // an HTTP date 30 s from now
            "'Sun, 06 Nov 1994 08:49:07 GMT', 0",      // a date in the past: now
            "'9223372036854775807',            -1",     // seconds that overflow in ms: unreadable
            "'garbled',                        -1",
            "'1.5',                            -1",     // delay-seconds is an integer
            "'',                               -1",
            "absent,                           -1",
    })
    void retryAfter(String value, long expectedMillis) {
        OptionalLong wait = RetryTiming.retryAfterMillis(value, NOW);
        assertEquals(expectedMillis < 0 ? OptionalLong.empty() : OptionalLong.of(expectedMillis), wait);
    }

    @ParameterizedTest(name = "attempt {0}, first {1}, x{2}, max {3}, jitter {4}, random {5} -> {6} ms")
    @CsvSource({
            // no jitter: first * multiplier^(attempt-1), at most max
            "1,  1000, 2, 60000, 0,   0.99, 1000",
            "2,  1000, 2, 60000, 0,   0.99, 2000",
            "3,  1000, 2, 60000, 0,   0.99, 4000",
            "7,  1000, 2, 60000, 0,   0.99, 60000",  // 64 s capped
            "40, 1000, 2, 60000, 0,   0.99, 60000",  // far past the cap: still the cap, no overflow
            "0,  1000, 2, 60000, 0,   0,    1000",   // attempt below 1 counts as the first
            "3,  500,  1, 60000, 0,   0,    500",    // multiplier 1: constant
            // jitter takes a random share of up to `jitter` off the delay
            "3,  1000, 2, 60000, 0.2, 0,    4000",   // random 0: the full delay
            "3,  1000, 2, 60000, 0.2, 0.5,  3600",   // 4000 - 4000 * 0.2 * 0.5
            "3,  1000, 2, 60000, 0.2, 0.999,3200",   // never below (1 - jitter) of it
            "7,  1000, 2, 60000, 0.5, 0.5,  45000",  // jitter applies to the capped delay
            "2,  1000, 2, 60000, 3,   0.5,  1000",   // jitter above 1 counts as 1
    })
    void backoff(int attempt, long first, double multiplier, long max, double jitter, double random, long expected) {
        assertEquals(expected, RetryTiming.backoffMillis(attempt, first, multiplier, max, jitter, random));
    }
}
