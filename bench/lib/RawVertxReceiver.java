import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Anchor (a): the ceiling for a JVM webhook receiver. Plain Vert.x (the HTTP server under camel-platform-http-vertx),
 * one verticle per core on one port: read the body, check X-Spark-Signature (hex HMAC-SHA1 of the raw bytes,
 * constant time), parse the JSON and check resource/event/data.id, answer 200 {"status":"accepted"}.
 * No storage, no Camel: whatever the service does beyond this is the cost of durability and of the framework.
 * Usage: java -cp webex-event-router.jar:classes RawVertxReceiver <port> <secret>
 */
public class RawVertxReceiver extends AbstractVerticle {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Buffer ACCEPTED = Buffer.buffer("{\"status\":\"accepted\"}");
    static int port;
    static byte[] secret;

    private final WebhookSignature signature = new WebhookSignature(secret);

    @Override
    public void start() {
        vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1"))
                .requestHandler(req -> req.body().onSuccess(buf -> {
                    byte[] body = buf.getBytes();
                    if (!signature.matches(body, req.getHeader("X-Spark-Signature"))) {
                        req.response().setStatusCode(401).end();
                        return;
                    }
                    try {
                        JsonNode root = JSON.readTree(body);
                        if (!root.path("resource").isTextual() || !root.path("event").isTextual() || !root.path("data").path("id").isTextual()) {
                            req.response().setStatusCode(400).end();
                            return;
                        }
                    } catch (Exception e) {
                        req.response().setStatusCode(400).end();
                        return;
                    }
                    req.response().putHeader("Content-Type", "application/json").end(ACCEPTED);
                }))
                .listen()
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    public static void main(String[] args) {
        port = Integer.parseInt(args[0]);
        secret = args[1].getBytes(StandardCharsets.UTF_8);
        int instances = Runtime.getRuntime().availableProcessors();
        Vertx.vertx().deployVerticle(RawVertxReceiver.class.getName(), new DeploymentOptions().setInstances(instances))
                .onSuccess(id -> System.out.println("raw-vertx listening on " + port + " with " + instances + " event loops"))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }
}
