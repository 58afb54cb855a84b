package dev.wbxt.router.ingest;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** One queue to store on: see {@link StoreComponent}. */
public class StoreEndpoint extends DefaultEndpoint {
    private final String queue;

    StoreEndpoint(String uri, StoreComponent component, String queue) {
        super(uri, component);
        this.queue = queue;
    }

    @Override
    public StoreComponent getComponent() {
        return (StoreComponent) super.getComponent();
    }

    public String getQueue() {
        return queue;
    }

    @Override
    public Producer createProducer() {
        return new StoreProducer(this, getComponent().broker(), getComponent().maxInFlight());
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("artemis-store: only stores (" + getEndpointUri() + ")");
    }
}
