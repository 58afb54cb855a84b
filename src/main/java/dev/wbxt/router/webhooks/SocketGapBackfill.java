package dev.wbxt.router.webhooks;

import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.wbxt.router.config.RouterSettings.SocketTiming;
import dev.wbxt.router.mercury.MercuryComponent;
import dev.wbxt.router.retry.RetryTiming;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The websocket's gap, caught up: after a reconnect, the messages created since the last frame the previous socket
 * received are fetched by the {@link Backfill} (with its overlap) and put on the events queue with the receiver's
 * dedupe key, so a message that came over the socket as well, or that Webex still sends after the reconnect, is
 * dropped by the broker and processed once. The socket only hands over the time ({@link #missedSince}, on its event
 * loop); the Webex calls run on this class's own thread ({@code wbxt-socket-backfill}).
 * <p>
 * Gaps that come while one is being fetched are merged: the next run starts at the earliest of them. A run that
 * fails (Webex unreachable) keeps its start and is tried again after the socket's backoff ({@code webex.socket.*},
 * {@link RetryTiming#backoffMillis}), until one works: the messages of the gap are not given up while the service
 * runs. It fetches messages only, as the start-up backfill does: card submits of the gap are not found.
 */
public final class SocketGapBackfill implements MercuryComponent.Gap {
    private static final Logger LOG = LoggerFactory.getLogger(SocketGapBackfill.class);

    private final Backfill backfill;
    private final MeterRegistry meters;
    private final SocketTiming timing;
    private final ScheduledExecutorService thread;
    /** The earliest start not fetched yet; null when there is none. */
    private final AtomicReference<Instant> pending = new AtomicReference<>();
    private int failures; // on the thread only

    public SocketGapBackfill(CamelContext context, Backfill backfill, MeterRegistry meters, SocketTiming timing) {
        this.backfill = backfill;
        this.meters = meters;
        this.timing = timing;
        this.thread = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "wbxt-socket-backfill");
    }

    @Override
    public void missedSince(Instant since) {
        if (pending.getAndAccumulate(since, SocketGapBackfill::earliest) == null) {
            thread.execute(this::run);
        }
    }

    private void run() {
        Instant since = pending.getAndSet(null);
        if (since == null) {
            return;
        }
        try {
            int offered = backfill.runSince(since, Instant.now());
            failures = 0;
            Backfill.count(meters, offered);
            LOG.info("Websocket reconnected: {} message(s) of the gap since {} (the last frame before the drop) offered "
                    + "to the queue", offered, since);
        } catch (RuntimeException e) {
            failures++;
            long wait = RetryTiming.backoffMillis(failures, timing.reconnectDelayMs(), 2, timing.maxReconnectDelayMs(),
                    timing.jitter(), ThreadLocalRandom.current().nextDouble());
            LOG.warn("Websocket reconnected, but the messages since {} could not be fetched (tried again in {} ms): {}",
                    since, wait, e.getMessage());
            if (pending.getAndAccumulate(since, SocketGapBackfill::earliest) == null) {
                thread.schedule(this::run, wait, TimeUnit.MILLISECONDS);
            }
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : a.isBefore(b) ? a : b;
    }
}
