package dev.wbxt.router.ingest;

import io.vertx.ext.web.Route;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** One webhook path on Camel's HTTP server: see {@link WebhookComponent}. */
public class WebhookEndpoint extends DefaultEndpoint {
    private final String path;
    /**
     * The path's handlers on the router, of the consumer that registered them last: a route stopped and started again
     * gets a new consumer from Camel, and the stopped one's handlers, kept at its stop (503 while stopped), would
     * otherwise answer before the new one's (PublicPortTest: 503 after the route was started again).
     */
    private Route registered;

    WebhookEndpoint(String uri, WebhookComponent component, String path) {
        super(uri, component);
        this.path = path;
    }

    public String getPath() {
        return path;
    }

    /** Puts these handlers in place of the path's earlier ones (removed). */
    synchronized void register(Route route) {
        if (registered != null && registered != route) {
            registered.remove();
        }
        registered = route;
    }

    /** Removes the path's handlers if they are still these. */
    synchronized void unregister(Route route) {
        if (registered == route && route != null) {
            route.remove();
            registered = null;
        }
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("webhook: only receives (" + getEndpointUri() + ")");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        WebhookConsumer consumer = new WebhookConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }
}
