import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Anchor (d): the end-to-end ceiling for a JVM echo bot. Plain Vert.x (the same version as the service's, from its
 * jar), one verticle per core on one port, everything inside the request as the Flask bot does it: check
 * X-Spark-Signature (hex HMAC-SHA1 of the raw bytes, constant time), parse the JSON, GET {api}/messages/{data.id}
 * with a Bearer token on a pooled keep-alive HttpClient (one per verticle, on its event loop), drop the bot's own
 * messages (loop guard: the message's personId is the bot's id, read once from /people/me at start), POST
 * {api}/messages {roomId, markdown} (the webhook echoed, as the Webex lab's bot and the service do), answer 200.
 * No queue, no dedupe, no routing: whatever the service does beyond this is the cost of durability, order and the
 * framework.
 * Usage: java -cp webex-event-router.jar:classes RawVertxEchoBot <port> <secret> <api url> <bot token>
 */
public class RawVertxEchoBot extends AbstractVerticle {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectWriter PRETTY = JSON.writerWithDefaultPrettyPrinter();
    /** Outbound connections per verticle: wrk's 64 connections over 2 event loops each wait on one call at a time. */
    private static final int POOL_SIZE = 64;
    static int port;
    static byte[] secret;
    static URI api;
    static String authorization;
    static String botId;

    private final WebhookSignature signature = new WebhookSignature(secret);
    private HttpClient client;

    @Override
    public void start() {
        client = newClient(vertx);
        vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1"))
                .requestHandler(req -> req.body().onSuccess(buf -> handle(req, buf.getBytes())))
                .listen()
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    private void handle(HttpServerRequest req, byte[] body) {
        if (!signature.matches(body, req.getHeader("X-Spark-Signature"))) {
            req.response().setStatusCode(401).end();
            return;
        }
        JsonNode webhook;
        try {
            webhook = JSON.readTree(body);
        } catch (Exception e) {
            req.response().setStatusCode(400).end();
            return;
        }
        String messageId = webhook.path("data").path("id").asText("");
        if (!"messages".equals(webhook.path("resource").asText()) || !"created".equals(webhook.path("event").asText())) {
            answer(req, "ignored");
            return;
        }
        if (!isWebexId(messageId)) { // an id goes into a URL: Webex ids are base64url, nothing else passes
            req.response().setStatusCode(400).end();
            return;
        }
        call(HttpMethod.GET, "/messages/" + messageId, null)
                .compose(message -> {
                    if (botId.equals(message.path("personId").asText())) {
                        return Future.succeededFuture("own message");
                    }
                    Map<String, Object> reply = new LinkedHashMap<>();
                    reply.put("roomId", message.path("roomId").asText());
                    reply.put("markdown", markdown(webhook, message));
                    try {
                        return call(HttpMethod.POST, "/messages", Buffer.buffer(JSON.writeValueAsBytes(reply))).map("replied");
                    } catch (Exception e) {
                        return Future.failedFuture(e);
                    }
                })
                .onSuccess(status -> answer(req, status))
                .onFailure(e -> req.response().setStatusCode(502).end());
    }

    private static String markdown(JsonNode webhook, JsonNode message) {
        String pretty;
        try {
            pretty = PRETTY.writeValueAsString(webhook);
        } catch (Exception e) {
            pretty = webhook.toString();
        }
        return "Webhook `" + webhook.path("resource").asText() + "/" + webhook.path("event").asText() + "` received:\n```json\n"
                + pretty + "\n```\n**" + message.path("personEmail").asText() + " said:** " + message.path("text").asText("");
    }

    private static void answer(HttpServerRequest req, String status) {
        req.response().putHeader("Content-Type", "application/json").end("{\"status\":\"" + status + "\"}");
    }

    /** One Webex call: a 2xx answer's JSON, anything else a failure. */
    private Future<JsonNode> call(HttpMethod method, String path, Buffer body) {
        return call(client, method, path, body);
    }

    private static Future<JsonNode> call(HttpClient client, HttpMethod method, String path, Buffer body) {
        RequestOptions options = new RequestOptions().setMethod(method).setHost(api.getHost()).setPort(api.getPort())
                .setURI(api.getPath() + path).setTimeout(15_000).putHeader("Authorization", authorization);
        if (body != null) {
            options.putHeader("Content-Type", "application/json");
        }
        return client.request(options)
                .compose(request -> body == null ? request.send() : request.send(body))
                .compose(response -> response.body().compose(b -> {
                    if (response.statusCode() / 100 != 2) {
                        return Future.failedFuture(method + " " + path + ": " + response.statusCode());
                    }
                    try {
                        return Future.succeededFuture(JSON.readTree(b.getBytes()));
                    } catch (Exception e) {
                        return Future.failedFuture(e);
                    }
                }));
    }

    static boolean isWebexId(String id) {
        if (id.isEmpty() || id.length() > 300) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '=')) {
                return false;
            }
        }
        return true;
    }

    private static HttpClient newClient(Vertx vertx) {
        return vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5000),
                new PoolOptions().setHttp1MaxSize(POOL_SIZE).setMaxWaitQueueSize(-1));
    }

    public static void main(String[] args) throws Exception {
        port = Integer.parseInt(args[0]);
        secret = args[1].getBytes(StandardCharsets.UTF_8);
        api = URI.create(args[2].replaceAll("/+$", ""));
        authorization = "Bearer " + args[3];
        Vertx vertx = Vertx.vertx();
        // The loop guard needs the bot's own id: read once, before the first webhook is accepted.
        HttpClient once = newClient(vertx);
        botId = call(once, HttpMethod.GET, "/people/me", null).toCompletionStage().toCompletableFuture().get()
                .path("id").asText();
        once.close();
        int instances = Runtime.getRuntime().availableProcessors();
        vertx.deployVerticle(RawVertxEchoBot.class.getName(), new DeploymentOptions().setInstances(instances))
                .onSuccess(id -> System.out.println("raw-vertx echo bot listening on " + port + " with " + instances
                        + " event loops, bot " + botId))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }
}
