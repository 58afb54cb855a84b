package dev.wbxt.router.ingest;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * The log lines of one reason the receiver refuses webhooks with 503 ({@code backlog}, {@code disk_full}, {@code busy},
 * {@code unavailable}): one line when the refusals start, saying why, and one when a webhook is taken again after a
 * second without such a refusal, saying how many were refused meanwhile; nothing per webhook (the count per reason is
 * {@code wbxt_events_rejected_total}). Under an overload the receiver refuses thousands of webhooks a second, and the
 * state it refuses on flips at every commit ({@code busy}: a batch done frees its places) or every queue-depth sample
 * ({@code backlog} around the bound): a line per refusal, or per flip, would flood the log (a broker outage was an
 * ERROR line per webhook, over a thousand in 10 s, in BrokerRestartIT).
 * <p>
 * While nothing is refused, {@link #taken} costs one read of an atomic.
 */
final class RefusalLog {
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Logger log;
    private final Level level;
    private final String reason;
    private final Supplier<String> state;
    /** Refused since the first line; 0 while not refusing. */
    private final AtomicLong refused = new AtomicLong();
    private volatile long lastRefusedAt;

    /**
     * @param level of the first line (WARN: the service protects itself; ERROR: a part it needs has failed)
     * @param state what the line of the end says besides the count (the queue's depth, the free space), or null
     */
    RefusalLog(Logger log, Level level, String reason, Supplier<String> state) {
        this.log = log;
        this.level = level;
        this.reason = reason;
        this.state = state;
    }

    /** A webhook refused for this reason: the first of a run is logged, with {@code why}. */
    void refused(Supplier<String> why) {
        lastRefusedAt = System.nanoTime();
        if (refused.getAndIncrement() == 0) {
            log.atLevel(level).log("Webhooks refused (503 {}): {}", reason, why.get());
        }
    }

    /** A webhook taken: ends the run of refusals when the last one is a second old. */
    void taken() {
        if (refused.get() > 0 && System.nanoTime() - lastRefusedAt >= QUIET_NANOS) {
            long count = refused.getAndSet(0);
            if (count > 0) {
                log.info("Accepting webhooks again: {} refused (503 {}) meanwhile{}", count, reason,
                        state == null ? "" : "; " + state.get());
            }
        }
    }
}
