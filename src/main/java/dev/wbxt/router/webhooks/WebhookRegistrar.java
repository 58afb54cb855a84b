package dev.wbxt.router.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the one registrar does on each tick of its timer (the first tick is the start-up reconciliation): reconcile
 * the webhooks of the target URL, say loudly when one had gone inactive, and backfill what was missed (on the first
 * tick: the service was down; after a reactivation: the webhook was).
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
    private volatile boolean firstTick = true;
    private volatile WebhookReconciler.Report last;

    public WebhookRegistrar(WebhookReconciler reconciler, Backfill backfill, String targetUrl, String secret,
                            List<WebhookReconciler.Spec> specs, MeterRegistry meters, LongSupplier clock) {
        this.reconciler = reconciler;
        this.backfill = backfill;
        this.targetUrl = targetUrl;
        this.secret = secret;
        this.specs = specs;
        this.meters = meters;
        this.clock = clock;
    }

    public synchronized void tick() {
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
            int offered = backfill.run(Instant.ofEpochMilli(clock.getAsLong()));
            Counter.builder("wbxt_backfill_messages").description("Messages offered to the queue by the backfill")
                    .register(meters).increment(offered);
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
