package dev.wbxt.router;

import dev.wbxt.router.config.RouterSettings;

import dev.wbxt.router.config.Settings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import dev.wbxt.router.bot.EchoReplies;
import dev.wbxt.router.bot.LoopGuard;
import dev.wbxt.router.ops.DirectRoutes;
import dev.wbxt.router.broker.BrokerHealthCheck;
import dev.wbxt.router.broker.BrokerConnection;
import dev.wbxt.router.broker.BrokerLockClusterService;
import dev.wbxt.router.deadletter.DeadLetterAdminRoutes;
import dev.wbxt.router.deadletter.DeadLetters;
import dev.wbxt.router.admin.AdminAuth;
import dev.wbxt.router.admin.AdminPages;
import dev.wbxt.router.forward.EnrichedEvent;
import dev.wbxt.router.ingest.Admission;
import dev.wbxt.router.ingest.PublicPort;
import dev.wbxt.router.ingest.ReceiverWarmUp;
import dev.wbxt.router.ingest.SignatureVerifier;
import dev.wbxt.router.ingest.StoreComponent;
import dev.wbxt.router.ingest.WebhookComponent;
import dev.wbxt.router.ingest.WebhookReceiverRoute;
import dev.wbxt.router.mercury.MercuryComponent;
import dev.wbxt.router.mercury.SocketHealthCheck;
import dev.wbxt.router.mercury.WebsocketIngestRoute;
import dev.wbxt.router.ops.GuardedRouteReload;
import dev.wbxt.router.ops.RouteEventNotifiers;
import dev.wbxt.router.ops.RouteTimers;
import dev.wbxt.router.ops.RouterMetrics;
import dev.wbxt.router.ops.StopHook;
import dev.wbxt.router.processing.AppendOnlyIdempotentRepository;
import dev.wbxt.router.processing.DeadLetterPolicy;
import dev.wbxt.router.processing.EventLog;
import dev.wbxt.router.processing.FailureReport;
import dev.wbxt.router.processing.FailureRules;
import dev.wbxt.router.processing.MapKeysBeanLanguage;
import dev.wbxt.router.processing.PlainMessage;
import dev.wbxt.router.processing.ProcessingThreads;
import dev.wbxt.router.processing.ReplyThrottle;
import dev.wbxt.router.processing.WebexEvents;
import dev.wbxt.router.ops.ThreadNice;
import dev.wbxt.router.webex.SharedVertx;
import dev.wbxt.router.rooms.RoomsComponent;
import dev.wbxt.router.simulator.WebexSimulator;
import dev.wbxt.router.webex.WebexComponent;
import dev.wbxt.router.webex.WebexConfiguration;
import dev.wbxt.router.webex.WebexHealthCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.jms.ConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.LoggingLevel;
import org.apache.camel.StartupListener;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.model.errorhandler.NoErrorHandlerDefinition;
import org.apache.camel.health.HealthCheckRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires what YAML should not hold: the broker, the Webex client, signature verification, the receiver and the
 * admin endpoints. The routes in {@code routes/} only refer to the names bound here ({@code rooms:}, {@code jms:}, {@code webex:},
 * {@code echoReplies}, {@code eventLog}, {@code repliedEvents}).
 */
@Configuration
public class RouterConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(RouterConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        RouterSettings settings = RouterSettings.read(context);
        // started early, right after camel-main's HTTP server: the webhook path is 503 until the receiver runs
        context.addService(new PublicPort(settings.webhookPath()), true, true);
        Files.createDirectories(settings.dataDir());
        requireWritableFolder(Settings.of(context), "webex.client.file-directory"); // the webex: component's downloads

        // camel.metrics.* (application.properties) created the registry Camel's route timers record into: ours too, and
        // the one the management server's /observe/metrics scrapes (MicrometerPrometheus looks up "metricsRegistry").
        PrometheusMeterRegistry meters = context.getRegistry().lookupByNameAndType("metricsRegistry", PrometheusMeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind("metricsRegistry", meters);
        }
        context.addRoutePolicyFactory(new RouteTimers(meters)); // per-route metrics (camel.metrics.enable-route-policy=false)
        context.addStartupListener(new RouteEventNotifiers()); // no exchange events while no notifier takes them

        // camel.management.* has no body limit (HttpManagementServerConfigurationProperties): the admin endpoints read
        // a request's body before their bearer check, so they take the public port's, camel.server.max-body-size.
        ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
        if (management == null) {
            throw new IllegalStateException("camel.management.enabled must be true: health, metrics and admin are "
                    + "served on the management port");
        }
        management.setMaxBodySize(Settings.of(context).longNumber("camel.server.max-body-size"));

        context.addStartupListener(new FetchBotIdentity()); // before the simulator welcome: the loop guard needs it

        String secret = settings.webhookSecret();
        String devicesUrl = settings.devicesUrl();
        if (settings.simulatorMode()) {
            String botToken = "simulator-" + randomHex(16);
            secret = secret.isEmpty() ? randomHex(20) : secret;
            WebexSimulator simulator = WebexSimulator.start(settings.simulatorPort(), botToken);
            // camel-main binds camel.component.webex.* after this method: the simulator's token and URL take the
            // place of application.properties' ones there.
            context.getPropertiesComponent().addOverrideProperty("camel.component.webex.bot-token", botToken);
            context.getPropertiesComponent().addOverrideProperty("camel.component.webex.api-url", simulator.apiUrl());
            if (settings.ingest().socket()) {
                devicesUrl = simulator.devicesUrl();
            }
            StopHook.register(context, simulator::close);
            context.getRegistry().bind(WebexSimulator.REGISTRY_NAME, simulator); // the package step's training run
            context.addStartupListener(new SimulatorWelcome(simulator, secret, settings.ingest().webhooks()));
        } else if (secret.isEmpty() && settings.ingest().webhooks()) {
            throw new IllegalStateException("WEBEX_WEBHOOK_SECRET is required when WEBEX_BOT_TOKEN is set and "
                    + "WEBEX_INGEST is webhook or both: without it no webhook could be verified");
        }
        if (!settings.proxy().isEmpty()) {
            LOG.info("Connections to Webex go through the proxy ({})", settings.proxy());
        }

        String events = context.resolvePropertyPlaceholders("{{queue.events}}");
        // an external broker's settings are checked for the queues of every kind: the events, a forward destination's
        // (wbxt.forward.<name>), the registrar's lock
        BrokerConnection broker = BrokerConnection.start(context, settings.broker(), settings.dataDir(),
                settings.duplicateCacheSize(), settings.queueMemoryMb(), events,
                List.of(context.resolvePropertyPlaceholders("{{queue.forward}}") + ".default",
                        BrokerLockClusterService.QUEUE_PREFIX
                                + context.resolvePropertyPlaceholders("{{webhooks.cluster-namespace}}")));
        context.addComponent("jms", jms(broker.connectionFactory()));
        BrokerHealthCheck brokerHealth = new BrokerHealthCheck(broker.login());
        HealthCheckRegistry.get(context).register(brokerHealth);
        StopHook.register(context, brokerHealth::close);
        RouterMetrics metrics = new RouterMetrics(meters, broker::queueDepth);
        metrics.watchQueue(events);
        metrics.watchQueue(events + ".dlq");
        DeadLetters deadLetters = new DeadLetters(broker.connectionFactory(), broker.login(), broker::deadLetterQueues, metrics);

        // Created from its @Component service file; its options are bound from camel.component.webex.* later.
        WebexComponent webexComponent = context.getComponent("webex", WebexComponent.class);
        webexComponent.getConfiguration().setProxy(settings.proxy()); // not an option: HTTPS_PROXY/HTTP_PROXY/NO_PROXY
        HealthCheckRegistry.get(context).register(new WebexHealthCheck(webexComponent::getAvailability));
        metrics.webexAvailability(() -> !webexComponent.getAvailability().isOutage());

        context.getRegistry().bind("brokerConnection", broker); // forwardDestinations asks it who subscribes to the topic
        context.getRegistry().bind("routerMetrics", metrics);
        context.getRegistry().bind("eventLog", new EventLog(metrics));
        context.getRegistry().bind("echoReplies", new EchoReplies());
        context.getRegistry().bind("loopGuard", new LoopGuard());
        context.getRegistry().bind("directRoutes", new DirectRoutes(context)); // 10-dispatch.yaml: direct:resource-<name>
        context.getRegistry().bind("enrichedEvent", new EnrichedEvent());
        context.getRegistry().bind("plainMessage", new PlainMessage());
        context.getRegistry().bind("webexEvents", new WebexEvents()); // 10-dispatch.yaml: ${variable.event}
        context.getRegistry().bind("replyThrottle", new ReplyThrottle(context,  // 90-fan-out.yaml: the per-room reply limit
                Settings.of(context).number("processing.replies-per-room-per-second"), 1000));
        // Simple's ${variable.x[key]} and ${body[key]} on maps without a copy of the exchange per lookup
        context.getRegistry().bind(MapKeysBeanLanguage.REGISTRY_NAME, new MapKeysBeanLanguage());
        AppendOnlyIdempotentRepository repliedEvents =
                new AppendOnlyIdempotentRepository(settings.dataDir().resolve("replied-events.log"), 100_000);
        context.addService(repliedEvents); // started before the routes, stopped after them
        context.getRegistry().bind("repliedEvents", repliedEvents);

        // Routes without their own error handling (the resource routes of routes/) let failures go back to their
        // caller: the queue consumer (rooms: for the events, a JMS consumer for the forward destinations), whose
        // failure rules decide what happens.
        context.getCamelContextExtension().setErrorHandlerFactory(new NoErrorHandlerDefinition());
        Admission admission = new Admission(events, settings.maxQueueDepth(), settings.dataDir(),
                settings.minFreeDiskMb() * 1024L * 1024L, broker::queueDepth);
        context.addComponent("webhook", new WebhookComponent());
        context.addComponent("artemis-store", new StoreComponent(broker.login(), broker.embedded(), settings.maxInFlight(), metrics::storeBatch));
        if (settings.ingest().webhooks()) {
            SignatureVerifier signatures = new SignatureVerifier(secret);
            context.addRoutes(new WebhookReceiverRoute(signatures, admission, metrics));
            // the receiver's path run hot before readiness (ingest.warm-up-webhooks), on a route and queue of its own
            ReceiverWarmUp warmUp = new ReceiverWarmUp(signatures, admission, metrics, broker, settings.webhookPath(),
                    Settings.of(context).number("ingest.warm-up-webhooks"));
            HealthCheckRegistry.get(context).register(warmUp);
            context.addStartupListener(warmUp);
        }
        if (settings.ingest().socket()) {
            // the token and the connect timeout are the webex: component's options, bound by camel-main after this
            // method: read when the socket's consumer is created
            String devices = devicesUrl;
            WebexConfiguration webex = webexComponent.getConfiguration();
            MercuryComponent socket = new MercuryComponent(() -> new MercuryComponent.Connection(devices,
                    webex.getBotToken(), settings.proxy(), settings.socket(), webex.getConnectTimeoutMillis()), metrics);
            context.addComponent("webex-socket", socket);
            HealthCheckRegistry.get(context).register(new SocketHealthCheck(socket.status(), settings.socket().graceMs()));
            context.addRoutes(new WebsocketIngestRoute(admission, metrics));
        }
        // One set of failure rules and reports for every queue consumer: the room lanes of the events queue and
        // the JMS consumers of the forward destinations.
        FailureRules failureRules = new FailureRules(webexComponent::isWebexAnswering);
        FailureReport failureReport = new FailureReport(metrics);
        // Processing (the lanes, and the route after each Webex answer) on a few threads at a lower CPU priority,
        // so that the receiver's event loop goes first when the cores are busy (README "The ack path").
        ProcessingThreads processing = new ProcessingThreads(context, settings.processing().threads(),
                settings.processing().nice());
        context.addService(processing);
        webexComponent.setExecutorService(processing.executor());
        SharedVertx.client(context).runOnContext(ignored -> ThreadNice.lowerCurrentThread(settings.processing().nice()));
        RoomsComponent rooms = new RoomsComponent(broker.login(), settings.retries(), failureRules, failureReport);
        rooms.setExecutorService(processing.executor());
        rooms.setMetrics(metrics.lanes(events));
        context.addComponent("rooms", rooms);
        context.addRoutesConfigurations(new DeadLetterPolicy(settings.retries(), failureRules, failureReport));
        context.addRoutes(new AdminPages()); // with the token unset too: the page says that admin is off
        if (!settings.adminToken().isEmpty()) {
            context.addRoutes(new DeadLetterAdminRoutes(new AdminAuth(settings.adminToken()), deadLetters));
        }
        if (settings.reloadRoutes()) {
            context.addService(new GuardedRouteReload(settings.routesDir()));
        }
    }

    private static JmsComponent jms(ConnectionFactory connectionFactory) {
        JmsComponent jms = JmsComponent.jmsComponent(connectionFactory);
        // The forward destinations' consumers: local JMS transactions on the consuming session, one long-lived
        // consumer per thread: message groups (one per room) stay on their consumer, a rollback hands the event back.
        jms.getConfiguration().setLazyCreateTransactionManager(false);
        jms.getConfiguration().setCacheLevelName("CACHE_CONSUMER");
        jms.getConfiguration().setIncludeAllJMSXProperties(true);
        // A rolled-back event is already reported by the dead-letter policy, in one line.
        jms.getConfiguration().setErrorHandlerLoggingLevel(LoggingLevel.DEBUG);
        jms.getConfiguration().setErrorHandlerLogStackTrace(false);
        return jms;
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /** Registers the receiver as a webhook in the simulator, then tells a newcomer how to talk to the bot. */
    private record SimulatorWelcome(WebexSimulator simulator, String secret, boolean webhooks) implements StartupListener {
        @Override
        public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        }

        @Override
        public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
            String target = "http://127.0.0.1:" + PublicPort.port(context)
                    + context.resolvePropertyPlaceholders("{{webhook.path}}");
            try (var template = context.createProducerTemplate()) {
                for (String resource : webhooks ? new String[] {"messages", "attachmentActions"} : new String[0]) {
                    template.requestBody("webex:createWebhook", Map.of("name", "simulator " + resource,
                            "targetUrl", target, "resource", resource, "event", "created", "secret", secret));
                }
            } catch (Exception e) {
                LOG.warn("Could not register the webhooks in the simulator: {}", e.getMessage());
            }
            int management = context.hasService(ManagementHttpServer.class).getRouter().getServer().getPort();
            LOG.info("SIMULATOR MODE (no WEBEX_BOT_TOKEN): Webex is simulated at {}. Chat with the bot in a browser: {} "
                    + "or say hello: curl -s -X POST http://127.0.0.1:{}/simulator/messages -H 'Content-Type: application/json' "
                    + "-d '{\"text\":\"hello\"}'. Health and metrics: http://127.0.0.1:{}/observe/health, /observe/metrics",
                    simulator.apiUrl(), simulator.playgroundUrl(), simulator.port(), management);
        }
    }

    /** The loop guard needs the bot's identity: fetch it at start rather than on the first event. */
    private static final class FetchBotIdentity implements StartupListener {
        @Override
        public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        }

        @Override
        public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
            try (var template = context.createProducerTemplate()) {
                template.requestBody("webex:me", (Object) null);
            } catch (Exception e) {
                LOG.warn("The bot's identity (GET /people/me) is not known yet: {}. The first event will ask again.",
                        e.getMessage());
            }
        }
    }

    /**
     * A folder the service writes must be writable at the start, so that a wrong setting stops it in one line rather
     * than failing every event that needs it.
     */
    private static void requireWritableFolder(Settings p, String key) {
        Path folder = Path.of(p.text(key));
        try {
            Files.createDirectories(folder);
        } catch (java.io.IOException | SecurityException e) {
            throw Settings.wrong(key, "'" + folder + "' cannot be created: " + e);
        }
        if (!Files.isWritable(folder)) {
            throw Settings.wrong(key, "'" + folder + "' is not writable");
        }
    }
}
