package dev.wbxt.router.ingest;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** One queue to store on, by batch ({@link GroupCommit}, shared by the endpoint's producers): see {@link StoreComponent}. */
public class StoreEndpoint extends DefaultEndpoint {
    private final String queue;
    private GroupCommit store;

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
    public synchronized Producer createProducer() {
        if (store == null) {
            store = new GroupCommit(getComponent().transactions(queue), queue, StoreProducer.MAX_BATCH, StoreProducer.MAX_BATCH_BYTES,
                    getComponent().batchSizes());
        }
        return new StoreProducer(this, store, getComponent().maxInFlight());
    }

    /** After the routes (and so the producers) have stopped: the events handed over are stored, then it closes. */
    @Override
    protected synchronized void doStop() throws Exception {
        if (store != null) {
            store.close();
            store = null;
        }
        super.doStop();
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("artemis-store: only stores (" + getEndpointUri() + ")");
    }
}
