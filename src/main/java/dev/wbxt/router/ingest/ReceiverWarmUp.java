package dev.wbxt.router.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.wbxt.router.broker.BrokerConnection;
import dev.wbxt.router.ops.RouterMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.StartupListener;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the receiver's path hot before the service says it is ready ({@code ingest.warm-up-webhooks}): that many
 * signed webhooks over loopback HTTP to a twin of the receiver route ({@link WebhookReceiverRoute}, the same steps
 * and classes) on a path and a queue of its own, stored by group commit as every webhook is, then the twin and its
 * queue are removed. Nothing of it reaches the events queue, processing, Webex, or the receiver's metrics.
 * <p>
 * Why: the JIT compiles a method once it has run often enough, whichever route ran it. A fresh instance offered
 * 1,000 webhooks/s from 5 s after it was healthy answered its first second at p99 625-750 ms (C1, the shared 2-core
 * machine, the load generator itself warm): the Vert.x server, Camel's routing engine, the HMAC, Jackson and the
 * Artemis client ran interpreted, and the first batches opened the store's session. With 2,000 webhooks through the
 * receiver before the load, p99 of that first second was 22-27 ms (BENCHMARKS.md "Warm from the first seconds").
 * <p>
 * Readiness ({@code wbxt/warm-up}) is DOWN until it has run: a deployment sends traffic to a warm instance. A
 * webhook Webex delivers meanwhile is received, stored and processed as ever (the receiver runs from the start).
 */
public final class ReceiverWarmUp extends AbstractHealthCheck implements StartupListener {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiverWarmUp.class);
    private static final String ROUTE_ID = "webhook-warm-up";
    /** Requests in flight at once: enough to keep every event loop and the store's batches busy. */
    private static final int CONCURRENCY = 32;

    private final SignatureVerifier signatures;
    private final Admission admission;
    private final RouterMetrics metrics;
    private final BrokerConnection broker;
    private final String webhookPath;
    private final int webhooks;
    private volatile boolean done;

    public ReceiverWarmUp(SignatureVerifier signatures, Admission admission, RouterMetrics metrics, BrokerConnection broker,
                          String webhookPath, int webhooks) {
        super("wbxt", "warm-up");
        this.signatures = signatures;
        this.admission = admission;
        this.metrics = metrics;
        this.broker = broker;
        this.webhookPath = webhookPath;
        this.webhooks = webhooks;
        this.done = webhooks <= 0;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (done) {
            builder.message("the receiver is warm").up();
        } else {
            builder.message("warming up the receiver (" + webhooks + " webhooks to a queue of its own)").down();
        }
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        if (done) {
            return;
        }
        String id = UUID.randomUUID().toString();
        String path = webhookPath + "/warm-up-" + id;
        String queue = "wbxt.warm-up." + id;
        long started = System.nanoTime();
        try {
            context.addRoutes(new WebhookReceiverRoute(signatures, admission, metrics, ROUTE_ID, path, queue));
            int accepted = send(PublicPort.router(context).vertx(), PublicPort.port(context), path);
            LOG.info("Warmed up the receiver: {} of {} webhooks stored in {} ms (ingest.warm-up-webhooks)", accepted,
                    webhooks, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } catch (Exception e) {
            LOG.warn("The receiver's warm-up failed ({}): the first webhooks run colder", e.toString());
        } finally {
            remove(context, queue);
            done = true;
        }
    }

    /** The webhooks, CONCURRENCY at a time; the number answered 200. */
    private int send(Vertx vertx, int port, String path) throws Exception {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(CONCURRENCY));
        try {
            RequestOptions target = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                    .setURI(path).putHeader("Content-Type", "application/json").setTimeout(30_000);
            AtomicInteger next = new AtomicInteger();
            AtomicInteger accepted = new AtomicInteger();
            CompletableFuture<Void> all = new CompletableFuture<>();
            AtomicInteger running = new AtomicInteger(CONCURRENCY);
            for (int i = 0; i < CONCURRENCY; i++) {
                vertx.runOnContext(ignored -> sendNext(client, target, next, accepted, running, all));
            }
            all.get(2, TimeUnit.MINUTES);
            return accepted.get();
        } finally {
            client.close();
        }
    }

    private void sendNext(HttpClient client, RequestOptions target, AtomicInteger next, AtomicInteger accepted,
                          AtomicInteger running, CompletableFuture<Void> all) {
        int n = next.getAndIncrement();
        if (n >= webhooks) {
            if (running.decrementAndGet() == 0) {
                all.complete(null);
            }
            return;
        }
        byte[] body = notification().getBytes(StandardCharsets.UTF_8);
        client.request(new RequestOptions(target).putHeader("X-Spark-Signature", signatures.sign(body)))
                .compose(request -> request.send(Buffer.buffer(body)))
                .compose(response -> response.body().map(ignored -> response.statusCode()))
                .onComplete(answer -> {
                    if (answer.succeeded() && answer.result() == 200) {
                        accepted.incrementAndGet();
                    }
                    sendNext(client, target, next, accepted, running, all);
                });
    }

    /** A messages/created notification as Webex sends one (its sample's shape), with ids of its own. */
    private static String notification() {
        String person = webexId("PEOPLE");
        return "{\"id\":\"" + webexId("WEBHOOK") + "\",\"name\":\"warm-up\",\"targetUrl\":\"http://127.0.0.1/warm-up\","
                + "\"resource\":\"messages\",\"event\":\"created\",\"orgId\":\"" + webexId("ORGANIZATION") + "\","
                + "\"createdBy\":\"" + person + "\",\"appId\":\"" + webexId("APPLICATION") + "\",\"ownedBy\":\"creator\","
                + "\"status\":\"active\",\"created\":\"2026-01-01T00:00:00.000Z\",\"actorId\":\"" + person + "\","
                + "\"data\":{\"id\":\"" + webexId("MESSAGE") + "\",\"roomId\":\"" + webexId("ROOM") + "\","
                + "\"roomType\":\"group\",\"personId\":\"" + person + "\",\"personEmail\":\"warm-up@example.com\","
                + "\"created\":\"2026-01-01T00:00:00.000Z\"}}";
    }

    private static String webexId(String kind) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("ciscospark://us/" + kind + "/" + UUID.randomUUID()).getBytes(StandardCharsets.US_ASCII));
    }

    /** The twin route, its endpoint (and so its store thread) and its queue, whatever the warm-up reached. */
    private void remove(CamelContext context, String queue) {
        try {
            if (context.getRoute(ROUTE_ID) != null) {
                context.getRouteController().stopRoute(ROUTE_ID);
                context.removeRoute(ROUTE_ID);
            }
            for (Endpoint endpoint : context.getEndpoints()) {
                if (endpoint instanceof StoreEndpoint store && store.getQueue().equals(queue)) {
                    context.removeEndpoint(store);
                }
            }
            broker.deleteAddress(queue);
        } catch (Exception e) {
            LOG.warn("Could not remove the warm-up's route or queue {}: {}", queue, e.toString());
        }
    }
}
