package dev.wbxt.router;

import dev.wbxt.router.config.RouterSettings;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wbxt.router.broker.EmbeddedBroker;
import dev.wbxt.router.ingest.PublicPort;
import dev.wbxt.router.ingest.SignatureVerifier;
import dev.wbxt.router.simulator.WebexSimulator;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real service (camel-main with application.properties and routes/) on random ports (public and management), talking to a real
 * Webex simulator over loopback, with its durable state in its own folder under target/. Stop and start it again
 * on the same folder to check what survives.
 * <p>
 * One service for a whole test class: {@code @RegisterExtension static final RouterHarness router = new
 * RouterHarness(settings).withWebhooks();} starts it before the first test and closes it after the last. One for
 * a test (its own settings, or stopped and started again): {@code try (RouterHarness router = new RouterHarness())}.
 */
final class RouterHarness implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    static final String SECRET = "test-webhook-secret";
    static final String TOKEN = "test-bot-token";
    static final ObjectMapper JSON = new ObjectMapper();
    // HTTP/1.1 as Webex speaks it: the JDK client's default h2c upgrade attempt has left requests hanging.
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final WebexSimulator webex;
    final Path dataDir;
    private final Map<String, String> overrides;
    private final SignatureVerifier signer = new SignatureVerifier(SECRET);
    private Main main;
    private boolean withWebhooks;

    RouterHarness() {
        this(Map.of());
    }

    RouterHarness(Map<String, String> overrides) {
        this.webex = WebexSimulator.start(0, TOKEN);
        this.dataDir = Path.of("target", "test-data", UUID.randomUUID().toString());
        this.overrides = overrides;
    }

    /**
     * The service in websocket mode against the simulator's Mercury double ({@code webex.ingest} from {@code extra},
     * default websocket), reconnecting after 50 ms, 100 ms... at most 500 ms.
     */
    static RouterHarness websocket(Map<String, String> extra) {
        Map<String, String> overrides = new LinkedHashMap<>();
        RouterHarness harness = new RouterHarness(overrides);
        overrides.put("webex.ingest", "websocket");
        overrides.put("webex.devices-url", harness.webex.devicesUrl());
        overrides.put("webex.socket.reconnect-delay-ms", "50");
        overrides.put("webex.socket.max-reconnect-delay-ms", "500");
        overrides.putAll(extra);
        return harness;
    }

    /** As an extension: registers the receiver's webhooks in the simulator once started, as Webex would have them. */
    RouterHarness withWebhooks() {
        withWebhooks = true;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
        if (withWebhooks) {
            registerWebhooks();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    RouterHarness start() throws Exception {
        main = WebexEventRouter.newMain();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("server.port", "0");
        // not 0 as well: Camel would serve management from the public server (RouterSettings refuses it)
        props.put("management.port", String.valueOf(RouterProcess.freePort()));
        props.put("webex.bot-token", TOKEN);
        props.put("webex.api-url", webex.apiUrl());
        props.put("webex.webhook-secret", SECRET);
        props.put("data.dir", dataDir.toString());
        props.put("routes.reload", "false");
        props.put("processing.retry-delay-ms", "50");
        props.put("processing.max-retry-delay-ms", "200");
        props.put("processing.outage-retry-delay-ms", "100");
        props.put("processing.webex-patience-ms", "60000");
        props.put("camel.main.shutdown-timeout", "5");
        props.putAll(overrides);
        props.forEach(main::addOverrideProperty);
        main.start();
        return this;
    }

    void stop() throws Exception {
        if (main != null) {
            main.stop();
            main = null;
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        webex.close();
    }

    CamelContext context() {
        return main.getCamelContext();
    }

    /**
     * Waits until every stored event has been processed: nothing queued, nothing in flight, on three checks in a row
     * (an event moves from the queue to a lane between two looks; one quiet look can fall in that gap).
     */
    void awaitIdle() {
        EmbeddedBroker broker = context().hasService(EmbeddedBroker.class);
        AtomicInteger quietChecks = new AtomicInteger();
        await("nothing queued, nothing in flight").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    boolean quiet = broker.messageCount("wbxt.events") == 0
                            && context().getInflightRepository().size() == 0;
                    return (quiet ? quietChecks.incrementAndGet() : quietChecks.getAndSet(0)) >= 3;
                });
    }

    /** The public port: the webhook path only. */
    String baseUrl() {
        return "http://127.0.0.1:" + PublicPort.port(context());
    }

    /** The management port: /observe/health, /observe/metrics, /admin. */
    String managementUrl() {
        return "http://127.0.0.1:" + context().hasService(ManagementHttpServer.class).getRouter().getServer().getPort();
    }

    String webhookUrl() {
        return baseUrl() + "/api/v1/wbxt/events";
    }

    /** Registers the receiver in the simulator, as Webex would have it, so that simulated users reach the bot. */
    void registerWebhooks() throws Exception {
        registerWebhooks(webex, webhookUrl());
    }

    /** The same for a service that runs elsewhere (e.g. the jar as a child process) and receives at {@code targetUrl}. */
    static void registerWebhooks(WebexSimulator webex, String targetUrl) throws Exception {
        for (String resource : List.of("messages", "attachmentActions", "memberships")) {
            HttpResponse<String> rsp = HTTP.send(HttpRequest.newBuilder(URI.create(webex.apiUrl() + "/webhooks"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("name", "test " + resource,
                            "targetUrl", targetUrl, "resource", resource, "event", "created", "secret", SECRET))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (rsp.statusCode() != 200) {
                throw new IllegalStateException("webhook registration failed: " + rsp.body());
            }
        }
    }

    String sign(String body) {
        return signer.sign(body.getBytes(StandardCharsets.UTF_8));
    }

    /** POSTs a correctly signed webhook body. */
    HttpResponse<String> deliver(String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(webhookUrl()))
                .header("Content-Type", "application/json").header("X-Spark-Signature", sign(body))
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> deliver(Map<String, Object> payload) throws IOException, InterruptedException {
        return deliver(JSON.writeValueAsString(payload));
    }

    /** Sends and waits at most 15 s, whatever happens to the connection: a test never hangs on a request. */
    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        try {
            return HTTP.sendAsync(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString())
                    .get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no answer within 15 s", e);
        }
    }

    /** GET on the public port. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET());
    }

    /** GET on the management port, e.g. {@code /observe/metrics}. */
    HttpResponse<String> manage(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(managementUrl() + path)).GET());
    }

    /** An admin request on the management port with {@code Authorization: Bearer <token>}; {@code body} may be null. */
    HttpResponse<String> admin(String token, String method, String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(managementUrl() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    /**
     * A message posted by that person in the simulator, without any webhook (none is registered unless
     * {@link #registerWebhooks} was called): the test decides how its webhook is delivered.
     */
    Map<String, Object> newMessage(String email, String roomId, String text) {
        webex.say(email, roomId, text);
        List<Map<String, Object>> messages = webex.messagesIn(roomId);
        return messages.stream().filter(m -> text.equals(m.get("text"))).reduce((a, b) -> b).orElseThrow();
    }

    /**
     * Proves that nothing more happens to the events sent before: posts a marker message in the same room (delivered
     * by the simulator when webhooks are registered, by this harness otherwise) and waits for the bot's answer to it.
     * A room's events are processed in the order they were stored, so once the marker is answered every event stored
     * before it has been processed to the end. Returns the bot's replies in the room by then.
     */
    List<Map<String, Object>> sendMarker(String email, String roomId) throws IOException, InterruptedException {
        String text = "marker-" + UUID.randomUUID();
        if (webex.say(email, roomId, text).isEmpty()) {
            Map<String, Object> marker = webex.messagesIn(roomId).stream().filter(m -> text.equals(m.get("text")))
                    .findFirst().orElseThrow();
            HttpResponse<String> rsp = deliver(messageCreated(marker));
            if (rsp.statusCode() != 200) {
                throw new AssertionError("the marker was not stored: " + rsp.statusCode() + " " + rsp.body());
            }
        }
        await("the bot answers " + text).atMost(Duration.ofSeconds(20))
                .until(() -> botRepliesIn(roomId).stream().anyMatch(r -> String.valueOf(r.get("markdown")).contains(text)));
        return botRepliesIn(roomId);
    }

    /** The {@code error} of a refusal's JSON body ({@code backlog}, {@code disk_full}, {@code busy}…), or "?". */
    static String errorOf(String body) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"error\":\"([a-z_]+)\"").matcher(body);
        return m.find() ? m.group(1) : "?";
    }

    /**
     * Delivers a new message in the room ({@code tagPrefix} and a number as its text) every 200 ms until {@code done}
     * holds: for what the service does only when a webhook arrives (a log line that ends a run of refusals, say).
     * Each must be acknowledged; returns their texts, in order.
     */
    List<String> deliverUntil(String email, String roomId, String tagPrefix, java.util.function.BooleanSupplier done) {
        List<String> tags = new java.util.ArrayList<>();
        await("webhooks delivered until it holds").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    String tag = tagPrefix + tags.size();
                    HttpResponse<String> rsp = deliver(messageCreated(webex.postSilently(email, roomId, tag)));
                    if (rsp.statusCode() != 200) {
                        throw new AssertionError(tag + " not acknowledged: " + rsp.statusCode() + " " + rsp.body());
                    }
                    tags.add(tag);
                    return done.getAsBoolean();
                });
        return tags;
    }

    /**
     * Waits until the simulator has delivered a webhook about that message and the receiver stored it (200), e.g.
     * the bot's own message, which the simulator fires back in the background as Webex does.
     */
    void awaitDelivered(String messageId) {
        await("a webhook about " + messageId + " answered 200").atMost(Duration.ofSeconds(10))
                .until(() -> webex.deliveriesAfter(0).stream().anyMatch(d -> Integer.valueOf(200).equals(d.get("status"))
                        && String.valueOf(d.get("payload")).contains(messageId)));
    }

    List<Map<String, Object>> botRepliesIn(String roomId) {
        return webex.messagesBy((String) webex.bot().get("id")).stream()
                .filter(m -> roomId.equals(m.get("roomId"))).toList();
    }

    /** The value of one series of /observe/metrics, e.g. {@code wbxt_events_received_total}; 0 when absent. */
    double metric(String series) throws IOException, InterruptedException {
        return manage("/observe/metrics").body().lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1))).findFirst().orElse(0);
    }

    /** Waits until /observe/metrics contains that text; returns the whole page. */
    String awaitMetrics(String text) {
        return await("/observe/metrics contains " + text).atMost(Duration.ofSeconds(10))
                .until(() -> manage("/observe/metrics").body(), body -> body.contains(text));
    }

    /** A messages/created webhook for a message the simulator already holds (see {@link #newMessage}). */
    Map<String, Object> messageCreated(Map<String, Object> message) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", message.get("id"));
        data.put("roomId", message.get("roomId"));
        data.put("roomType", message.getOrDefault("roomType", "direct"));
        data.put("personId", message.get("personId"));
        data.put("personEmail", message.get("personEmail"));
        data.put("created", message.get("created"));
        return envelope("messages", "created", (String) message.get("personId"), data);
    }

    Map<String, Object> envelope(String resource, String event, String actorId, Map<String, Object> data) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("id", "Y2lzY29zcGFyazovL3VzL1dFQkhPT0svdGVzdC13ZWJob29r");
        payload.put("name", "test webhook");
        payload.put("targetUrl", webhookUrl());
        payload.put("resource", resource);
        payload.put("event", event);
        payload.put("orgId", "OTZhYmMyYWEtM2RjYy0xMWU1LWExNTItZmUzNDgxOWNkYzlh");
        payload.put("ownedBy", "creator");
        payload.put("status", "active");
        payload.put("actorId", actorId);
        payload.put("data", data);
        return payload;
    }
}
