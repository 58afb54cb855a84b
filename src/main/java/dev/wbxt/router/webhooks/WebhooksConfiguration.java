package dev.wbxt.router.webhooks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.wbxt.router.config.RouterSettings;
import dev.wbxt.router.config.Settings;
import dev.wbxt.router.admin.AdminAuth;
import dev.wbxt.router.broker.BrokerLockClusterService;
import dev.wbxt.router.mercury.MercuryComponent;
import dev.wbxt.router.webex.WebexClient;
import dev.wbxt.router.webex.WebexComponent;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.cluster.FileLockClusterService;

/**
 * Webhook lifecycle (issue 5): start-up reconciliation and watchdog by one registrar among the instances
 * ({@code master:} on a cluster service: a file lock by default, or a lock held on the shared broker), backfill of missed messages, and the admin
 * endpoints {@code /admin/webhooks}. Settings: the {@code webhooks.*} and {@code backfill.*} keys.
 */
@Configuration
public class WebhooksConfiguration implements CamelConfiguration {
    public static final String ROUTE_ID = "webhook-registrar";

    @Override
    public void configure(CamelContext context) throws Exception {
        RouterSettings settings = RouterSettings.read(context);
        Settings p = Settings.of(context);
        // In websocket mode no webhook is registered (events come over the socket), and the backfill is on by
        // default: it catches up on what was missed while the service was down, and while the socket was.
        String target = settings.ingest().webhooks() && !settings.simulatorMode() ? settings.webhookTargetUrl() : "";
        Supplier<WebexClient> webex = () -> context.getComponent("webex", WebexComponent.class).client();
        String backfillSetting = p.oneOf("backfill.enabled", "auto", "true", "false");
        boolean backfillOn = "auto".equals(backfillSetting) ? !target.isEmpty() || settings.ingest().socket()
                : Boolean.parseBoolean(backfillSetting);
        Backfill backfill = null;
        MeterRegistry meters = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (backfillOn) {
            JsonFileStore mark = new JsonFileStore(settings.dataDir().resolve("backfill-state.json"));
            if (!settings.simulatorMode()) { // where the start-up backfill starts (it does not run in simulator mode)
                context.getManagementStrategy().addEventNotifier(Backfill.processedMark(mark, "dispatch"));
            }
            backfill = new Backfill(webex, context.createProducerTemplate(),
                    "jms:queue:" + p.text("queue.events") + "?jmsMessageType=Text", mark,
                    Duration.ofMinutes(p.longNumber("backfill.lookback-minutes")),
                    Duration.ofSeconds(p.longNumber("backfill.overlap-seconds")));
            if (settings.ingest().socket()) {
                // every instance has a socket of its own, and so its own gaps: not the registrar's job
                context.getComponent("webex-socket", MercuryComponent.class)
                        .setGap(new SocketGapBackfill(context, backfill, meters, settings.socket()));
            }
        }
        if (settings.simulatorMode()) {
            // the simulator's webhooks are registered by the simulator welcome, and it starts with no history to
            // backfill: only a dropped socket's gap is (above)
            return;
        }
        List<WebhookReconciler.Spec> specs = specs(p);
        JsonFileStore webhookState = new JsonFileStore(settings.dataDir().resolve("webhooks-state.json"));
        WebhookReconciler reconciler = new WebhookReconciler(webex, webhookState,
                p.number("webhooks.list-page-size"), p.longNumber("webhooks.reactivate-after-ms"));

        if (!settings.adminToken().isEmpty()) {
            context.addRoutes(new WebhookAdminRoutes(new AdminAuth(settings.adminToken()), reconciler, target,
                    settings.webhookSecret(), specs));
        }
        if (target.isEmpty() && backfill == null) {
            return;
        }
        long interval = p.longNumber("webhooks.watchdog-interval-ms");
        WebhookRegistrar registrar = new WebhookRegistrar(reconciler, backfill, target, settings.webhookSecret(), specs,
                meters, System::currentTimeMillis, interval);
        context.getRegistry().bind("webhookRegistrar", registrar);

        String cluster = p.oneOf("webhooks.cluster", "file", "broker", "external", "standalone");
        String timer = "timer:wbxt-webhooks?delay=0&period=" + WebhookRegistrar.timerPeriod(interval);
        String from = switch (cluster) {
            case "standalone" -> timer; // one instance only: no leader election
            default -> "master:" + p.text("webhooks.cluster-namespace") + ":" + timer; // file, broker, external
        };
        if ("file".equals(cluster)) {
            String root = p.text("webhooks.cluster-root");
            FileLockClusterService files = new FileLockClusterService();
            files.setId("wbxt-file-lock");
            files.setRoot(root.isEmpty() ? settings.dataDir().resolve("cluster").toAbsolutePath().toString()
                    : Path.of(root).toAbsolutePath().toString());
            files.setAcquireLockDelay(p.longNumber("webhooks.cluster-acquire-delay-ms"));
            files.setAcquireLockDelayUnit(TimeUnit.MILLISECONDS);
            files.setAcquireLockInterval(p.longNumber("webhooks.cluster-acquire-interval-ms"));
            files.setAcquireLockIntervalUnit(TimeUnit.MILLISECONDS);
            context.addService(files);
        }
        if ("broker".equals(cluster)) {
            if (settings.broker().url().isEmpty()) {
                throw new IllegalArgumentException("webhooks.cluster=broker (WEBHOOKS_CLUSTER) needs the shared broker "
                        + "of the instances, broker.url (BROKER_URL); with the embedded broker there is one instance");
            }
            context.addService(new BrokerLockClusterService(settings.broker(),
                    p.longNumber("webhooks.cluster-acquire-interval-ms")));
        }
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(defaultErrorHandler()); // the service's default is none: see RouterConfiguration
                // Webex unreachable, a 4xx...: said once per failed round, tried again by the backoff (WebhookRegistrar)
                onException(Exception.class).handled(true).process(e -> registrar.logFailedRound(
                        e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)));
                from(from).routeId(ROUTE_ID).process(e -> registrar.tick());
            }
        });
    }

    /** {@code webhooks.resources}, plus memberships/created and memberships/deleted when the bot greets. */
    static List<WebhookReconciler.Spec> specs(Settings p) {
        List<WebhookReconciler.Spec> specs = new ArrayList<>();
        for (String s : p.list("webhooks.resources")) {
            specs.add(WebhookReconciler.Spec.parse(s));
        }
        if (p.flag("bot.greeting.enabled")) {
            for (String s : List.of("memberships/created", "memberships/deleted")) {
                if (!specs.contains(WebhookReconciler.Spec.parse(s))) {
                    specs.add(WebhookReconciler.Spec.parse(s));
                }
            }
        }
        return specs;
    }
}
