package dev.wbxt.router.ingest;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code webhook:<path>}: receives HTTP POSTs on Camel's own HTTP server (the {@code camel.server.*} port, body limit
 * and Vert.x instance) and routes each one on the Vert.x event loop with Camel's asynchronous routing engine, so that
 * the answer can come from an asynchronous callback (here the broker's confirmation that the event is on disk) and
 * no thread waits meanwhile. {@code platform-http} cannot do this in Camel 4.18: its consumer runs every exchange
 * through {@code vertx.executeBlocking} on Vert.x's 20 worker threads, which caps the webhooks in flight at 20.
 * <p>
 * Consumer only. What the route sees and what is answered:
 * <ul>
 * <li>request: the body as {@code byte[]}; the request headers as message headers (names starting with
 *     {@code Camel} dropped, as platform-http's header filter does); other methods than POST are answered 405
 *     ({@code Allow: POST}) and a body over {@code camel.server.max-body-size} 413, before the route;</li>
 * <li>answer: the status from {@code CamelHttpResponseCode} (200 by default), the body as text, and of the message's
 *     headers only {@code Content-Type} and {@code Retry-After}: nothing the caller sent is echoed back. An exchange
 *     that ends with an unhandled exception is answered 500 without a body;</li>
 * <li>while the route is suspended or stopping (Camel's graceful shutdown suspends it first): 503 with
 *     {@code Retry-After}, the route is not run.</li>
 * </ul>
 * Every exchange starts and ends on the event loop: the route must not block (no blocking producer in it).
 */
public class WebhookComponent extends DefaultComponent {
    /** The header that tells Webex when to deliver a refused webhook again, and its value in seconds. */
    public static final String RETRY_AFTER = "Retry-After";
    public static final String RETRY_AFTER_SECONDS = "10";

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        if (!remaining.startsWith("/")) {
            remaining = "/" + remaining;
        }
        return new WebhookEndpoint(uri, this, remaining);
    }
}
