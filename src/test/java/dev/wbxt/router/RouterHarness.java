package dev.wbxt.router;

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

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wbxt.router.broker.EmbeddedBroker;
import dev.wbxt.router.ingest.SignatureVerifier;
import dev.wbxt.router.simulator.WebexSimulator;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.main.Main;

/**
 * The real service (camel-main with application.properties and routes/) on a random port, talking to a real
 * Webex simulator over loopback, with its durable state in its own folder under target/. Stop and start it again
 * on the same folder to check what survives.
 */
final class RouterHarness implements AutoCloseable {
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

    RouterHarness start() throws Exception {
        main = WebexEventRouter.newMain();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("camel.server.port", "0");
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

    /** Waits until every stored event has been processed: nothing queued, nothing in flight. */
    void awaitIdle() throws InterruptedException {
        EmbeddedBroker broker = context().hasService(EmbeddedBroker.class);
        long deadline = System.currentTimeMillis() + 20_000;
        int quietChecks = 0;
        while (quietChecks < 3) {
            boolean quiet = broker.messageCount("wbxt.events") == 0 && context().getInflightRepository().size() == 0;
            quietChecks = quiet ? quietChecks + 1 : 0;
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("still busy after 20 s");
            }
            Thread.sleep(50);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + context().hasService(VertxPlatformHttpServer.class).getPort();
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

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET());
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

    List<Map<String, Object>> botRepliesIn(String roomId) {
        return webex.messagesBy((String) webex.bot().get("id")).stream()
                .filter(m -> roomId.equals(m.get("roomId"))).toList();
    }

    /** The value of one series of /observe/metrics, e.g. {@code wbxt_events_received_total}; 0 when absent. */
    double metric(String series) throws IOException, InterruptedException {
        return get("/observe/metrics").body().lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1))).findFirst().orElse(0);
    }

    /** Waits until /observe/metrics contains that text; returns the whole page. */
    String awaitMetrics(String text) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        String body = "";
        while (System.currentTimeMillis() < deadline) {
            body = get("/observe/metrics").body();
            if (body.contains(text)) {
                return body;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(text + " not found in\n" + body);
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
