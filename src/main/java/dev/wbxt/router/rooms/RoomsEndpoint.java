package dev.wbxt.router.rooms;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * {@code rooms:<queue>?maxInFlight=1000&reorderWindowMs=0}: a consumer only (events are stored by the receiver).
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "rooms", title = "Rooms", syntax = "rooms:queue", consumerOnly = true,
        category = {Category.MESSAGING})
public class RoomsEndpoint extends DefaultEndpoint {
    @UriPath(description = "The durable queue to consume")
    @Metadata(required = true)
    private final String queue;
    @UriParam(defaultValue = "1000", description = "Events held in memory at most (running, waiting for a retry, or "
            + "queued in their room's lane); beyond it the broker keeps them")
    private int maxInFlight = 1000;
    @UriParam(defaultValue = "16", description = "Threads that run the lanes: with a blocking producer each Webex call "
            + "in flight holds one, with an asynchronous one a thread is held only while the route computes")
    private int workerThreads = 16;

    @UriParam(defaultValue = "0", description = "The sender's order within a room: each event is held up to this many "
            + "ms after it was taken, and a room's held events start in data.created order (ties: the order they "
            + "arrived). 0: the order they were stored")
    private long reorderWindowMs;
    @UriParam(defaultValue = "20", description = "A room's events compared by the reorder window at most: a longer "
            + "backlog starts at once")
    private int reorderMaxHeld = 20;

    @UriParam(defaultValue = "10", description = "Acknowledgements are committed at most once per this many ms: the "
            + "events settled meanwhile, any room, share one broker transaction and journal sync. 0: as soon as the "
            + "previous commit returned")
    private long ackIntervalMs = 10;

    RoomsEndpoint(String uri, RoomsComponent component, String queue) {
        super(uri, component);
        this.queue = queue;
    }

    @Override
    public RoomsComponent getComponent() {
        return (RoomsComponent) super.getComponent();
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        RoomsConsumer consumer = new RoomsConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("rooms: only consumes; the receiver stores the events");
    }

    public String getQueue() {
        return queue;
    }

    public int getMaxInFlight() {
        return maxInFlight;
    }

    public void setMaxInFlight(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    public long getAckIntervalMs() {
        return ackIntervalMs;
    }

    public void setAckIntervalMs(long ackIntervalMs) {
        this.ackIntervalMs = ackIntervalMs;
    }

    public long getReorderWindowMs() {
        return reorderWindowMs;
    }

    public void setReorderWindowMs(long reorderWindowMs) {
        this.reorderWindowMs = reorderWindowMs;
    }

    public int getReorderMaxHeld() {
        return reorderMaxHeld;
    }

    public void setReorderMaxHeld(int reorderMaxHeld) {
        this.reorderMaxHeld = reorderMaxHeld;
    }

    public int getWorkerThreads() {
        return workerThreads;
    }

    public void setWorkerThreads(int workerThreads) {
        this.workerThreads = workerThreads;
    }
}
