package dev.wbxt.router.ops;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

import dev.wbxt.router.rooms.LaneMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The service's own counters, next to Camel's route metrics in {@code /observe/metrics}. */
public class RouterMetrics {
    private final MeterRegistry registry;
    private final Counter received;
    private final DistributionSummary storeBatches;
    private final DistributionSummary ackBatches;
    private final ToDoubleFunction<String> queueDepth;
    /**
     * Counters by name and tags, registered once: {@code Counter.builder(...).register()} builds the id, sorts the
     * tags and looks the meter up in the registry on every call, and these run once or more per event.
     */
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

    /** @param queueDepth messages waiting in a queue, by name (NaN when the broker cannot tell) */
    public RouterMetrics(MeterRegistry registry, ToDoubleFunction<String> queueDepth) {
        this.registry = registry;
        this.queueDepth = queueDepth;
        this.received = Counter.builder("wbxt_events_received").description("Webhook POSTs received").register(registry);
        this.storeBatches = DistributionSummary.builder("wbxt_store_batch_events")
                .description("Events stored per broker transaction by the receiver (one commit, one journal sync each)")
                .register(registry);
        this.ackBatches = DistributionSummary.builder("wbxt_ack_batch_events")
                .description("Events acknowledged (or dead-lettered) per broker transaction by the room lanes")
                .register(registry);
    }

    /**
     * What the lanes of {@code queue} report: the acknowledgements' batches, and how far behind they are, published as
     * {@code wbxt_backlog_age_seconds}: how long the event the lanes took last had waited since it was stored, and
     * growing while the lanes take nothing; 0 once the queue is empty. (The oldest event still waiting is younger than
     * that: it is an upper bound, read without asking the broker.)
     */
    public LaneMetrics lanes(String queue) {
        AtomicLong lastTakenReceivedAt = new AtomicLong();
        Gauge.builder("wbxt_backlog_age_seconds", () -> {
            long at = lastTakenReceivedAt.get();
            return at == 0 || !(queueDepth.applyAsDouble(queue) > 0) ? 0 : (System.currentTimeMillis() - at) / 1000.0;
        }).description("How far processing is behind the receiver: the wait of the event taken last, while events wait")
                .tag("queue", queue).register(registry);
        DistributionSummary reorderWaits = DistributionSummary.builder("wbxt_reorder_wait_seconds").tag("queue", queue)
                .description("How long the reorder window held each event before it started").register(registry);
        return new LaneMetrics() {
            @Override
            public void taken(long receivedAtMillis) {
                if (receivedAtMillis > 0) {
                    lastTakenReceivedAt.set(receivedAtMillis);
                }
            }

            @Override
            public void acknowledged(int events) {
                ackBatches.record(events);
            }

            @Override
            public void reorderWindow(IntSupplier held) {
                Gauge.builder("wbxt_reorder_held", held::getAsInt).tag("queue", queue)
                        .description("Events the reorder window holds now, waiting for an earlier one of their room")
                        .register(registry);
            }

            @Override
            public void startedAfterWindow(long heldMillis, boolean reordered) {
                reorderWaits.record(heldMillis / 1000.0);
                if (reordered) {
                    counter("wbxt_reorder_reordered", "Events started before an event of their room that arrived earlier",
                            "queue", queue).increment();
                }
            }
        };
    }

    /** The receiver committed a transaction of this many events. */
    public void storeBatch(int events) {
        storeBatches.record(events);
    }

    public void received() {
        received.increment();
    }

    /** reason: content_type, signature, invalid_json, not_a_notification, invalid_id, backlog, disk_full, busy, unavailable. */
    public void rejected(String reason) {
        counter("wbxt_events_rejected", "Webhook POSTs refused, by reason (nothing stored)", "reason", reason).increment();
    }

    public void processed(String resource, String outcome) {
        counter("wbxt_events_processed", "Stored events processed to the end, by resource and outcome",
                "resource", label(resource), "outcome", outcome).increment();
    }

    public void deadLettered(String queue) {
        counter("wbxt_events_dead_lettered", "Events given up on and moved to a dead-letter queue", "queue", queue)
                .increment();
        watchQueue(queue + ".dlq");
    }

    public void replayed(int count) {
        counter("wbxt_dead_letters_replayed", "Dead letters moved back to their queue by an operator").increment(count);
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
        counter("wbxt_events_retried", "Failed processing attempts, each tried again later", "queue", queue).increment();
    }

    /** A websocket frame received (websocket mode), whether or not it is an event. */
    public void socketFrameReceived() {
        counter("wbxt_socket_frames_received", "Websocket frames received from Webex").increment();
    }

    /** A websocket frame acknowledged: its event stored, or nothing in it to store. */
    public void socketFrameAcked() {
        counter("wbxt_socket_frames_acked", "Websocket frames acknowledged (after their event was stored)").increment();
    }

    public void socketReconnect() {
        counter("wbxt_socket_reconnects", "Websocket connection attempts after a close or a failed attempt").increment();
    }

    /** Publishes {@code wbxt_socket_connected}: 1 while the websocket is open, 0 otherwise. */
    public void socketConnected(BooleanSupplier connected) {
        Gauge.builder("wbxt_socket_connected", () -> connected.getAsBoolean() ? 1 : 0)
                .description("1 while the Webex websocket is open, 0 while it is being reconnected").register(registry);
    }

    /** The recording's counters (README "Recording and replay"), registered at 0 when the recording starts. */
    public record RecordingCounters(Counter written, Counter queueFull, Counter writeFailed) {
    }

    public RecordingCounters recording() {
        String dropped = "Processed events the recording could not keep, by reason (the events themselves were processed)";
        return new RecordingCounters(
                counter("wbxt_recording_events", "Processed events written to the recording file"),
                counter("wbxt_recording_dropped", dropped, "reason", "queue_full"),
                counter("wbxt_recording_dropped", dropped, "reason", "write_error"));
    }

    /** The counter {@code name} with these tag key/value pairs, registered on first use. */
    private Counter counter(String name, String description, String... tags) {
        List<String> key = new java.util.ArrayList<>(tags.length + 1);
        key.add(name);
        key.addAll(Arrays.asList(tags));
        return counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    /** Resource names come from verified webhooks, but keep the label set bounded anyway. */
    private static String label(String resource) {
        return switch (resource == null ? "" : resource) {
            case "messages", "attachmentActions", "memberships", "rooms", "meetings", "callings", "telephony_calls" -> resource;
            default -> "other";
        };
    }
}
