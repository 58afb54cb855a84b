package dev.wbxt.router.processing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * The rule of {@link ReplyThrottle}, as Camel's throttle applies it ({@code TotalRequests}): at most N replies per
 * room within any period, each reply over it waiting until the oldest of its room's last N is a period old, in
 * order; rooms apart. On a clock the test steps.
 */
class ReplyThrottleRuleTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private final AtomicLong now = new AtomicLong(1_000_000 * MS);
    private final ReplyThrottle throttle = new ReplyThrottle(null, 3, 1000, now::get);

    private long waitMs(String room) {
        return throttle.reserve(room, now.get()) / MS;
    }

    @Test
    void nPerPeriodThenEachWaitsForTheOldestToBeAPeriodOld() {
        assertEquals(0, waitMs("a"));
        assertEquals(0, waitMs("a"));
        now.addAndGet(100 * MS);
        assertEquals(0, waitMs("a"));
        assertEquals(900, waitMs("a"), "the 4th: when the 1st is a period old (it went 100 ms ago)");
        assertEquals(900, waitMs("a"), "the 5th: when the 2nd is");
        assertEquals(1000, waitMs("a"), "the 6th: when the 3rd is, which went now");
        assertEquals(1900, waitMs("a"), "the 7th: a period after the 4th");
    }

    @Test
    void roomsAreApart() {
        for (int i = 0; i < 3; i++) {
            assertEquals(0, waitMs("busy"));
        }
        assertEquals(1000, waitMs("busy"));
        assertEquals(0, waitMs("other"), "another room is not slowed down by a busy one");
    }

    @Test
    void aRoomBelowItsLimitGoesAtOnceAfterAPeriod() {
        for (int i = 0; i < 3; i++) {
            assertEquals(0, waitMs("a"));
        }
        now.addAndGet(1000 * MS);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, waitMs("a"), "the three slots are free again");
        }
        assertEquals(1000, waitMs("a"));
    }

    @Test
    void aHighLimitGrowsTheRingOnlyAsFarAsTheRateNeedsAndKeepsOrder() {
        ReplyThrottle wide = new ReplyThrottle(null, 10_000, 1000, now::get);
        for (int i = 0; i < 10_000; i++) {
            assertEquals(0, wide.reserve("r", now.get() + i), "10,000 within the period");
        }
        assertEquals(1000 * MS, wide.reserve("r", now.get() + 10_000 - 1) + 10_000 - 1);
    }

    @Test
    void idleRoomsAreForgotten() {
        waitMs("a");
        waitMs("b");
        now.addAndGet(500 * MS);
        waitMs("b");
        now.addAndGet(600 * MS);
        throttle.sweep();
        assertEquals(1, throttle.rooms(), "a's last reply is a period old, b's is not");
        now.addAndGet(1000 * MS);
        throttle.sweep();
        assertEquals(0, throttle.rooms());
    }
}
