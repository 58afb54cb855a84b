package dev.wbxt.router.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The service's own counters, next to Camel's route metrics in {@code /observe/metrics}. */
public class RouterMetrics {
    private final MeterRegistry registry;
    private final Counter received;

    public RouterMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.received = Counter.builder("wbxt_events_received").description("Webhook POSTs received").register(registry);
    }

    public void received() {
        received.increment();
    }

    /** reason: signature, invalid_json, not_a_notification, invalid_id, unavailable (a fixed set, never user input). */
    public void rejected(String reason) {
        registry.counter("wbxt_events_rejected", "reason", reason).increment();
    }

    public void processed(String resource, String outcome) {
        registry.counter("wbxt_events_processed", "resource", label(resource), "outcome", outcome).increment();
    }

    public void deadLettered(String queue) {
        registry.counter("wbxt_events_dead_lettered", "queue", queue).increment();
    }

    public void retried(String queue) {
        registry.counter("wbxt_events_retried", "queue", queue).increment();
    }

    /** Resource names come from verified webhooks, but keep the label set bounded anyway. */
    private static String label(String resource) {
        return switch (resource == null ? "" : resource) {
            case "messages", "attachmentActions", "memberships", "rooms", "meetings", "callings", "telephony_calls" -> resource;
            default -> "other";
        };
    }
}
