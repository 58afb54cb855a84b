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
    }

    public void retried(String queue) {
        Counter.builder("wbxt_events_retried").description("Failed processing attempts handed back for redelivery")
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
