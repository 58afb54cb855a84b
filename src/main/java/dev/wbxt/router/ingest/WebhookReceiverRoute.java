package dev.wbxt.router.ingest;


import dev.wbxt.router.ops.RouterMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.event.Level;

/**
 * The front door: {@code POST {webhook.path}}. Verify, then store durably, then acknowledge; nothing else happens
 * inside the request, so Webex gets its 2xx in milliseconds and an acknowledged event survives a crash.
 * <p>
 * The route runs on the HTTP server's event loop ({@code webhook:}, see {@link WebhookComponent}) and its last step
 * stores the event over Artemis' core client ({@code artemis-store:}, see {@link StoreComponent}), which completes
 * the exchange from the broker's confirmation that the event is on disk: no thread waits for the journal's sync,
 * and the 200 is written from that confirmation. A send the broker did not confirm is answered 503.
 * Size (413) and method (405) are enforced by the HTTP server before this route runs; the content type (415) here,
 * because the HTTP server's own check compares media types case-sensitively (RFC 9110: they are case-insensitive).
 */
public class WebhookReceiverRoute extends RouteBuilder {
    /** Headers the processing routes read; everything else from the HTTP request is dropped before the queue. */

    public static final String ROUTE_ID = "webhook-receiver";

    private final SignatureVerifier signatures;
    private final Admission admission;
    private final RouterMetrics metrics;
    /** Webhooks answered 503 because the broker did not confirm them: a line when it starts, one when it ends. */
    private final RefusalLog unstored;
    private final String routeId;
    private final String path;
    private final String queue;
    /** Whether its webhooks count in wbxt_events_received_total and _rejected_total (the warm-up's do not). */
    private final boolean counted;

    /** The receiver: {@code {{webhook.path}}} stored on {@code {{queue.events}}}. */
    public WebhookReceiverRoute(SignatureVerifier signatures, Admission admission, RouterMetrics metrics) {
        this(signatures, admission, metrics, ROUTE_ID, "{{webhook.path}}", "{{queue.events}}");
    }

    /** The same steps on another path and queue: the warm-up's twin ({@link ReceiverWarmUp}). */
    WebhookReceiverRoute(SignatureVerifier signatures, Admission admission, RouterMetrics metrics, String routeId,
                         String path, String queue) {
        this.signatures = signatures;
        this.admission = admission;
        this.metrics = metrics;
        this.unstored = new RefusalLog(log, Level.ERROR, "unavailable", null);
        this.routeId = routeId;
        this.path = path;
        this.queue = queue;
        this.counted = ROUTE_ID.equals(routeId);
    }

    @Override
    public void configure() {
        errorHandler(defaultErrorHandler()); // the service's default is none: see RouterConfiguration
        onException(RejectedWebhook.class).handled(true).process(this::reject);
        // The broker could not take the event (stopped, disk full...): say so, Webex will deliver again.
        onException(Exception.class).handled(true).process(this::unavailable);

        from("webhook:" + path)
                .routeId(routeId)
                .process(this::verify)
                .to("artemis-store:" + queue) // continues once the broker has the event on disk
                .process(this::accepted);
    }

    private void verify(Exchange exchange) {
        Message in = exchange.getMessage();
        if (counted) {
            metrics.received();
        }
        if (!isJson(in.getHeader(Exchange.CONTENT_TYPE, String.class))) {
            throw new RejectedWebhook(415, "content_type", "Content-Type must be application/json");
        }
        byte[] body = in.getBody(byte[].class);
        if (!signatures.verify(body == null ? new byte[0] : body, in.getHeader("X-Spark-Signature", String.class))) {
            throw new RejectedWebhook(401, "signature", "missing or wrong X-Spark-Signature");
        }
        WebhookNotification notification = WebhookNotification.parse(body);
        admission.check();
        QueuedEvent.fill(in, notification, System.currentTimeMillis());
    }

    /** The media type must be application/json, in any case; parameters such as a charset are fine. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int parameters = contentType.indexOf(';');
        String mediaType = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim();
        return mediaType.equalsIgnoreCase("application/json");
    }

    private void accepted(Exchange exchange) {
        unstored.taken();
        respond(exchange, 200, "{\"status\":\"accepted\"}");
    }

    private void reject(Exchange exchange) {
        RejectedWebhook rejected = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, RejectedWebhook.class);
        if (counted) {
            metrics.rejected(rejected.reason());
        }
        respond(exchange, rejected.status(), error(rejected.reason(), rejected.getMessage()));
    }

    private void unavailable(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        unstored.refused(() -> "the broker did not confirm a webhook on disk (" + cause + "); every webhook it does "
                + "not confirm is answered 503");
        log.debug("Webhook not stored, answered 503: {}", cause.toString());
        if (counted) {
            metrics.rejected("unavailable");
        }
        respond(exchange, 503, error("unavailable", "the event could not be stored; deliver it again later"));
    }

    private static void respond(Exchange exchange, int status, String json) {
        Message out = exchange.getMessage();
        out.removeHeaders("*"); // the request's headers are not the answer's (webhook: writes only two anyway)
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(json);
        if (status == 503) { // not kept: when to deliver it again
            out.setHeader(WebhookComponent.RETRY_AFTER, WebhookComponent.RETRY_AFTER_SECONDS);
        }
    }

    private static String error(String reason, String message) {
        return "{\"error\":\"" + reason + "\",\"message\":\"" + message.replace("\"", "'") + "\"}";
    }
}
