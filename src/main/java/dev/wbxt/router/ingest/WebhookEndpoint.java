package dev.wbxt.router.ingest;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** One webhook path on Camel's HTTP server: see {@link WebhookComponent}. */
public class WebhookEndpoint extends DefaultEndpoint {
    private final String path;

    WebhookEndpoint(String uri, WebhookComponent component, String path) {
        super(uri, component);
        this.path = path;
    }

    public String getPath() {
        return path;
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
