package dev.wbxt.router.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import dev.wbxt.router.broker.BrokerLogin;
import dev.wbxt.router.processing.Retries;
import dev.wbxt.router.webex.OutboundProxy;
import org.apache.camel.CamelContext;

/**
 * The outside contract's configuration, read once at start-up. Every key lives in {@code application.properties}
 * and is overridden by the environment variable of the same name in upper case ({@code webex.bot-token} by
 * {@code WEBEX_BOT_TOKEN}): Camel's properties component does that mapping.
 */
public record RouterSettings(String botToken, String apiUrl, String webhookSecret, int serverPort,
                             int managementPort, String webhookPath, String webhookTargetUrl, String forwardUrl, String forwardSecret,
                             Path dataDir, String adminToken, BrokerLogin broker, int simulatorPort,
                             String routesDir, String routesReload, int duplicateCacheSize, int queueMemoryMb, Retries retries,
                             int maxQueueDepth, int minFreeDiskMb, int maxInFlight, Ingest ingest, String devicesUrl,
                             SocketTiming socket, OutboundProxy proxy, Processing processing) {
    private static final String NAME = "routerSettings";

    /** How events come in ({@code webex.ingest}): webhooks, the Webex websocket, or both. */
    public enum Ingest {
        WEBHOOK, WEBSOCKET, BOTH;

        public boolean webhooks() {
            return this != WEBSOCKET;
        }

        public boolean socket() {
            return this != WEBHOOK;
        }
    }

    /**
     * The websocket's timing ({@code webex.socket.*}): readiness is lost after {@code graceMs} disconnected; reconnects
     * wait {@code reconnectDelayMs}, doubling up to {@code maxReconnectDelayMs}, less a random share of {@code jitter}.
     */
    public record SocketTiming(long graceMs, long reconnectDelayMs, long maxReconnectDelayMs, double jitter) {
    }

    /**
     * How events are processed: on {@code threads} threads ({@code processing.worker-threads}, empty: one per core)
     * at the CPU priority {@code nice} ({@code processing.nice}, 0: the receiver's own), see ProcessingThreads.
     */
    public record Processing(int threads, int nice) {
        static Processing read(Settings p) {
            String threads = p.text("processing.worker-threads");
            int count = threads.isBlank() ? Runtime.getRuntime().availableProcessors() : p.number("processing.worker-threads");
            if (count < 1) {
                throw Settings.wrong("processing.worker-threads", "must be at least 1 (or empty: one per core)");
            }
            int nice = p.number("processing.nice");
            if (nice < 0 || nice > 19) {
                throw Settings.wrong("processing.nice", "must be from 0 (the receiver's priority) to 19 (the lowest)");
            }
            return new Processing(count, nice);
        }
    }

    /** Read once per service (the first caller binds it), so every configuration class sees the same values. */
    public static RouterSettings read(CamelContext context) {
        RouterSettings bound = context.getRegistry().lookupByNameAndType(NAME, RouterSettings.class);
        if (bound != null) {
            return bound;
        }
        Settings p = Settings.of(context);
        RouterSettings settings = new RouterSettings(
                p.text("webex.bot-token"),
                p.text("webex.api-url"),
                p.text("webex.webhook-secret"),
                p.port("server.port"),
                managementPort(p),
                p.text("webhook.path"),
                p.text("webex.webhook-target-url"),
                p.text("forward.url"),
                p.text("forward.secret"),
                Path.of(p.text("data.dir")),
                p.text("admin.token"),
                new BrokerLogin(p.text("broker.url"), p.text("broker.username"), p.text("broker.password")),
                p.port("simulator.port"),
                routesDir(p, "routes.dir"),
                p.oneOf("routes.reload", "auto", "true", "false"),
                p.number("broker.duplicate-cache-size"),
                p.number("broker.queue-memory-mb"),
                new Retries(p.number("processing.max-attempts"),
                        p.number("processing.retry-delay-ms"),
                        p.decimal("processing.retry-multiplier"),
                        p.number("processing.max-retry-delay-ms"),
                        p.decimal("processing.retry-jitter"),
                        p.number("processing.outage-retry-delay-ms"),
                        p.number("processing.webex-patience-ms")),
                p.number("ingest.max-queue-depth"),
                p.number("ingest.min-free-disk-mb"),
                p.number("ingest.max-in-flight"),
                Ingest.valueOf(p.oneOf("webex.ingest", "webhook", "websocket", "both").toUpperCase(Locale.ROOT)),
                p.text("webex.devices-url"),
                new SocketTiming(p.number("webex.socket.grace-ms"), p.number("webex.socket.reconnect-delay-ms"),
                        p.number("webex.socket.max-reconnect-delay-ms"), p.decimal("webex.socket.reconnect-jitter")),
                OutboundProxy.read(p::text, System::getenv),
                Processing.read(p));
        context.getRegistry().bind(NAME, settings);
        return settings;
    }

    public boolean simulatorMode() {
        return botToken.isEmpty();
    }

    /** Hot reload of {@code routes/}: {@code auto} turns it on in simulator mode only. */
    public boolean reloadRoutes() {
        return "auto".equals(routesReload) ? simulatorMode() : Boolean.parseBoolean(routesReload);
    }

    /**
     * The management port must be another port than the public one: on the same port Camel's management server
     * serves from the public server (ManagementHttpServer.doInit reuses it), health, metrics and admin included.
     * Both 0 would be the same too.
     */
    private static int managementPort(Settings p) {
        int management = p.port("management.port");
        if (management == p.port("server.port")) {
            throw new IllegalArgumentException(Settings.named("management.port") + " must differ from "
                    + Settings.named("server.port") + ": the public port serves the webhook only, not health, metrics "
                    + "or admin (both are " + management + ")");
        }
        return management;
    }

    /** The routes folder must be there: Camel would otherwise fail on it with a bare NoSuchFileException. */
    private static String routesDir(Settings p, String key) {
        String value = p.text(key);
        Path dir = Path.of(value);
        String problem = !Files.exists(dir) ? "does not exist"
                : !Files.isDirectory(dir) ? "is not a folder"
                : !Files.isReadable(dir) ? "is not readable" : null;
        if (problem != null) {
            throw new IllegalArgumentException("the routes folder " + Settings.named(key) + " '"
                    + dir.toAbsolutePath().normalize() + "' " + problem);
        }
        return value;
    }
}
