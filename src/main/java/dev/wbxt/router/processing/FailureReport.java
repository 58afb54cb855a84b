package dev.wbxt.router.processing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.wbxt.router.ops.RouterMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a failed event is reported, whichever consumer it failed in: the log line and the metric of a retry, and of
 * a dead letter, with the properties a dead letter carries ({@link DeadLetterPolicy#REASON} ...), which
 * {@code DeadLetters} and the admin replay read.
 */
public final class FailureReport {
    // The logger keeps the name operators know from the log lines of earlier versions.
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterPolicy.class);
    private final RouterMetrics metrics;

    public FailureReport(RouterMetrics metrics) {
        this.metrics = metrics;
    }

    public void retried(String queue, Object eventKey, int attempt, int maxAttempts, long delayMillis, String reason) {
        metrics.retried(queue);
        LOG.warn("Event {} failed on attempt {}/{}, tried again in {} ms: {}", eventKey, attempt, maxAttempts,
                delayMillis, reason);
    }

    /**
     * Counts and logs a dead letter, and returns the properties to set on it (the original event's other properties
     * stay, except the broker's duplicate id, which would make the broker drop the event when it is replayed).
     *
     * @param firstFailedAt when the event first failed, 0 when unknown (then: now)
     */
    public Map<String, Object> deadLettered(String queue, Object eventKey, int attempts, long firstFailedAt, String reason) {
        long now = System.currentTimeMillis();
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(DeadLetterPolicy.LETTER_ID, UUID.randomUUID().toString());
        properties.put(DeadLetterPolicy.REASON, reason);
        properties.put(DeadLetterPolicy.ATTEMPTS, attempts);
        properties.put(DeadLetterPolicy.FAILED_AT, now);
        properties.put(DeadLetterPolicy.FIRST_FAILED_AT, firstFailedAt > 0 ? firstFailedAt : now);
        properties.put(DeadLetterPolicy.FROM_QUEUE, queue);
        metrics.deadLettered(queue);
        LOG.warn("Event {} dead-lettered to {}.dlq after {} attempt(s): {}", eventKey, queue, attempts, reason);
        return properties;
    }
}
