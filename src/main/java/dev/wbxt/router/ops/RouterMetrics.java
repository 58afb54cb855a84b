package dev.wbxt.router.ops;

import java.util.function.BooleanSupplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The service's own counters, next to Camel's route metrics in {@code /observe/metrics}. */
public class RouterMetrics {
    private final MeterRegistry registry;
    private final Counter received;
    private final ToDoubleFunction<String> queueDepth;

    /** @param queueDepth messages waiting in a queue, by name (NaN when the broker cannot tell) */
    public RouterMetrics(MeterRegistry registry, ToDoubleFunction<String> queueDepth) {
        this.registry = registry;
        this.queueDepth = queueDepth;
        this.received = Counter.builder("wbxt_events_received").description("Webhook POSTs received").register(registry);
    }

    public void received() {
        received.increment();
    }

    /** reason: content_type, signature, invalid_json, not_a_notification, invalid_id, backlog, disk_full, busy, unavailable. */
    public void rejected(String reason) {
        Counter.builder("wbxt_events_rejected").description("Webhook POSTs refused, by reason (nothing stored)")
                .tag("reason", reason).register(registry).increment();
    }

    public void processed(String resource, String outcome) {
        Counter.builder("wbxt_events_processed").description("Stored events processed to the end, by resource and outcome")
                .tags("resource", label(resource), "outcome", outcome).register(registry).increment();
    }

    public void deadLettered(String queue) {
        Counter.builder("wbxt_events_dead_lettered").description("Events given up on and moved to a dead-letter queue")
                .tag("queue", queue).register(registry).increment();
        watchQueue(queue + ".dlq");
    }

    public void replayed(int count) {
        Counter.builder("wbxt_dead_letters_replayed").description("Dead letters moved back to their queue by an operator")
                .register(registry).increment(count);
    }

    /** Publishes {@code wbxt_webex_available}: 1 while Webex answers, 0 while it looks down (circuit open). */
    public void webexAvailability(BooleanSupplier available) {
        Gauge.builder("wbxt_webex_available", () -> available.getAsBoolean() ? 1 : 0)
                .description("1 while Webex answers, 0 while it looks down and calls are paused").register(registry);
    }

    /** Publishes {@code wbxt_queue_depth{queue}}: the backlog of a queue, or the size of a dead-letter queue. */
    public void watchQueue(String queue) {
        Gauge.builder("wbxt_queue_depth", queue, queueDepth).description("Messages waiting in a broker queue")
                .tag("queue", queue).register(registry);
    }

    public void retried(String queue) {
        Counter.builder("wbxt_events_retried").description("Failed processing attempts, each tried again later")
                .tag("queue", queue).register(registry).increment();
    }

    /** Resource names come from verified webhooks, but keep the label set bounded anyway. */
    private static String label(String resource) {
        return switch (resource == null ? "" : resource) {
            case "messages", "attachmentActions", "memberships", "rooms", "meetings", "callings", "telephony_calls" -> resource;
            default -> "other";
        };
    }
}
