package dev.wbxt.router.mercury;

import java.nio.charset.StandardCharsets;

import dev.wbxt.router.ingest.Admission;
import dev.wbxt.router.ingest.QueuedEvent;
import dev.wbxt.router.ingest.RejectedWebhook;
import dev.wbxt.router.ingest.WebhookNotification;
import dev.wbxt.router.ops.RouterMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * The websocket's way in, the twin of {@code ingest/WebhookReceiverRoute} without the HTTP: the notification built
 * from the frame gets the receiver's checks ({@link WebhookNotification#parse}: ids before they can reach a URL) and
 * admission (backlog, disk), becomes the same queued event ({@link QueuedEvent}, same dedupe key), and ends in the
 * same {@code artemis-store:} step. {@code webex-socket:} acknowledges the frame only when this route completes
 * without an exception, i.e. after the broker confirmed the journal write. A notification that fails the checks
 * cannot be fixed by sending it again: it is counted as rejected and its frame acknowledged.
 */
public class WebsocketIngestRoute extends RouteBuilder {
    public static final String ROUTE_ID = "websocket-receiver";

    private final Admission admission;
    private final RouterMetrics metrics;

    public WebsocketIngestRoute(Admission admission, RouterMetrics metrics) {
        this.admission = admission;
        this.metrics = metrics;
    }

    @Override
    public void configure() {
        // The service's default is none (RouterConfiguration); a failure stays on the exchange, logged once by
        // webex-socket: when it leaves the frame unacknowledged.
        errorHandler(defaultErrorHandler().logExhausted(false));
        // Counted by reason as for webhooks; a 400 (not a valid notification) is dropped and its frame acknowledged,
        // a 503 (backlog, disk) fails the exchange: the frame stays unacknowledged.
        onException(RejectedWebhook.class)
                .process(e -> metrics.rejected(rejection(e).reason()))
                .handled(e -> rejection(e).status() == 400)
                .log(LoggingLevel.WARN, "Websocket event not stored: ${exception.message}");

        from("webex-socket:events")
                .routeId(ROUTE_ID)
                .process(this::check)
                .to("artemis-store:{{queue.events}}"); // completes once the broker has the event on disk
    }

    private static RejectedWebhook rejection(Exchange exchange) {
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT, RejectedWebhook.class);
    }

    private void check(Exchange exchange) {
        WebhookNotification notification =
                WebhookNotification.parse(exchange.getMessage().getBody(String.class).getBytes(StandardCharsets.UTF_8));
        admission.check();
        QueuedEvent.fill(exchange.getMessage(), notification, System.currentTimeMillis());
    }
}
