package dev.wbxt.router;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.wbxt.router.processing.Retries;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * The outside contract's configuration, read once at start-up. Every key lives in {@code application.properties}
 * and is overridden by the environment variable of the same name in upper case ({@code webex.bot-token} by
 * {@code WEBEX_BOT_TOKEN}): Camel's properties component does that mapping.
 */
public record RouterSettings(String botToken, String apiUrl, String webhookSecret, int serverPort,
                             int managementPort, String webhookPath, String webhookTargetUrl, String forwardUrl, String forwardSecret,
                             Path dataDir, String adminToken, String brokerUrl, int simulatorPort,
                             String routesDir, String routesReload, int duplicateCacheSize, int queueMemoryMb, Retries retries,
                             int maxQueueDepth, int minFreeDiskMb, int maxInFlight) {

    public static RouterSettings read(CamelContext context) {
        PropertiesComponent p = context.getPropertiesComponent();
        return new RouterSettings(
                text(p, "webex.bot-token"),
                text(p, "webex.api-url"),
                text(p, "webex.webhook-secret"),
                port(p, "server.port"),
                managementPort(p),
                text(p, "webhook.path"),
                text(p, "webex.webhook-target-url"),
                text(p, "forward.url"),
                text(p, "forward.secret"),
                Path.of(text(p, "data.dir")),
                text(p, "admin.token"),
                text(p, "broker.url"),
                port(p, "simulator.port"),
                routesDir(p, "routes.dir"),
                text(p, "routes.reload"),
                number(p, "broker.duplicate-cache-size"),
                number(p, "broker.queue-memory-mb"),
                new Retries(number(p, "processing.max-attempts"),
                        number(p, "processing.retry-delay-ms"),
                        Double.parseDouble(text(p, "processing.retry-multiplier")),
                        number(p, "processing.max-retry-delay-ms"),
                        Double.parseDouble(text(p, "processing.retry-jitter")),
                        number(p, "processing.outage-retry-delay-ms"),
                        number(p, "processing.webex-patience-ms")),
                number(p, "ingest.max-queue-depth"),
                number(p, "ingest.min-free-disk-mb"),
                number(p, "ingest.max-in-flight"));
    }

    public boolean simulatorMode() {
        return botToken.isEmpty();
    }

    /** Hot reload of {@code routes/}: {@code auto} turns it on in simulator mode only. */
    public boolean reloadRoutes() {
        return "auto".equals(routesReload) ? simulatorMode() : Boolean.parseBoolean(routesReload);
    }

    private static String text(PropertiesComponent p, String key) {
        return p.resolveProperty(key).map(String::trim).orElse("");
    }

    private static int number(PropertiesComponent p, String key) {
        String value = text(p, key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(named(key) + " must be a whole number, not '" + value + "'");
        }
    }

    private static int port(PropertiesComponent p, String key) {
        int port = number(p, key);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(named(key) + " must be a port number (0-65535), not " + port);
        }
        return port;
    }

    /**
     * The management port must be another port than the public one: on the same port Camel's management server
     * serves from the public server (ManagementHttpServer.doInit reuses it), health, metrics and admin included.
     * Both 0 would be the same too.
     */
    private static int managementPort(PropertiesComponent p) {
        int management = port(p, "management.port");
        if (management == port(p, "server.port")) {
            throw new IllegalArgumentException(named("management.port") + " must differ from " + named("server.port")
                    + ": the public port serves the webhook only, not health, metrics or admin (both are " + management + ")");
        }
        return management;
    }

    /** The routes folder must be there: Camel would otherwise fail on it with a bare NoSuchFileException. */
    private static String routesDir(PropertiesComponent p, String key) {
        String value = text(p, key);
        Path dir = Path.of(value);
        String problem = !Files.exists(dir) ? "does not exist"
                : !Files.isDirectory(dir) ? "is not a folder"
                : !Files.isReadable(dir) ? "is not readable" : null;
        if (problem != null) {
            throw new IllegalArgumentException("the routes folder " + named(key) + " '" + dir.toAbsolutePath().normalize()
                    + "' " + problem);
        }
        return value;
    }

    /** The key with the environment variable that sets it: server.port (SERVER_PORT). */
    private static String named(String key) {
        return key + " (" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_') + ")";
    }
}
