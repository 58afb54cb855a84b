package dev.wbxt.router.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.wbxt.router.retry.RetryTiming;

/**
 * What the one registrar does on each tick of its timer (the first tick is the start-up reconciliation): reconcile
 * the webhooks of the target URL, say loudly when one had gone inactive, and backfill what was missed (on the first
 * tick: the service was down; after a reactivation: the webhook was).
 *
 * <p>The timer ticks every {@link #TICK_MS} at most; a round runs when it is due: {@code interval} after a round that
 * worked, and after one that failed (Webex unreachable, a 5xx, a timeout) soon again, by the service's backoff rule
 * ({@link RetryTiming#backoffMillis}: 1 s, doubling, at most the interval). A failed start-up round used to wait the
 * whole watchdog interval (60 s), with no webhook registered all that time: MultiInstanceIT met it in CI, where the
 * first round of a registrar that had just won the lock failed on the loaded machine.
 */
public class WebhookRegistrar {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookRegistrar.class);

    private final WebhookReconciler reconciler;
    private final Backfill backfill;
    private final String targetUrl;
    private final String secret;
    private final List<WebhookReconciler.Spec> specs;
    private final MeterRegistry meters;
    private final LongSupplier clock;
    private final long interval;
    private volatile boolean firstTick = true;
    private volatile WebhookReconciler.Report last;
    private long nextRoundAt;
    private int failedRounds;

    /** The timer's period: how soon a failed round can be tried again. */
    public static final long TICK_MS = 1000;
    private static final long FIRST_RETRY_MS = 1000;

    public WebhookRegistrar(WebhookReconciler reconciler, Backfill backfill, String targetUrl, String secret,
                            List<WebhookReconciler.Spec> specs, MeterRegistry meters, LongSupplier clock, long interval) {
        this.reconciler = reconciler;
        this.interval = interval;
        this.backfill = backfill;
        this.targetUrl = targetUrl;
        this.secret = secret;
        this.specs = specs;
        this.meters = meters;
        this.clock = clock;
    }

    /** The timer's period for a watchdog {@code interval}: never slower than the interval itself. */
    public static long timerPeriod(long interval) {
        return Math.min(interval, TICK_MS);
    }

    /** One tick of the timer: a round when one is due; a failed round throws (logged by the route) and is retried. */
    public synchronized void tick() {
        long now = clock.getAsLong();
        if (now < nextRoundAt) {
            return;
        }
        try {
            round();
            failedRounds = 0;
            nextRoundAt = now + interval;
        } catch (RuntimeException e) {
            failedRounds++;
            nextRoundAt = now + RetryTiming.backoffMillis(failedRounds, FIRST_RETRY_MS, 2, interval, 0.2,
                    ThreadLocalRandom.current().nextDouble());
            throw e;
        }
    }

    /** The one line a failed round gets, with when the next one runs. */
    public void logFailedRound(Exception e) {
        long in;
        synchronized (this) {
            in = Math.max(0, nextRoundAt - clock.getAsLong());
        }
        LOG.warn("Webhook registrar: this round failed, next one in {} ms: {}", in, e == null ? "?" : e.getMessage());
    }

    private void round() {
        boolean first = firstTick;
        if (first) {
            LOG.info("Webhook registrar: this instance leads (reconciles webhooks{} for this cluster)",
                    backfill == null ? "" : " and backfills");
        }
        boolean reactivated = false;
        if (!targetUrl.isEmpty()) {
            WebhookReconciler.Report report = reconciler.reconcile(targetUrl, secret, specs, clock.getAsLong(), false);
            last = report;
            for (String id : report.newlyInactive()) {
                LOG.warn("Webhook {} for {} is INACTIVE (Webex disabled it after failed deliveries); it is reactivated "
                        + "once it has been seen inactive long enough (webhooks.reactivate-after-ms), then missed messages "
                        + "are backfilled", id, targetUrl);
                Counter.builder("wbxt_webhooks_inactive").description("Webhooks found inactive by the watchdog")
                        .register(meters).increment();
            }
            count("created", report.created().size());
            count("updated", report.updated().size());
            count("reactivated", report.reactivated().size());
            count("deleted", report.deleted().size());
            if (report.changedAnything() || first) {
                LOG.info("Webhooks for {}: {}", targetUrl, report.toMap());
            }
            reactivated = !report.reactivated().isEmpty();
        }
        if (backfill != null && (first || reactivated)) {
            Backfill.count(meters, backfill.run(Instant.ofEpochMilli(clock.getAsLong())));
        }
        firstTick = false;
    }

    public WebhookReconciler.Report lastReport() {
        return last;
    }

    private void count(String action, int n) {
        if (n > 0) {
            Counter.builder("wbxt_webhooks_reconciled").description("Webhook changes made by the reconciliation")
                    .tag("action", action).register(meters).increment(n);
        }
    }
}
