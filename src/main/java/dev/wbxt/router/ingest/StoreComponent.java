package dev.wbxt.router.ingest;

import java.util.Map;
import java.util.function.IntConsumer;

import dev.wbxt.router.broker.BrokerLogin;
import dev.wbxt.router.broker.EmbeddedBroker;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code artemis-store:<queue>}: stores the exchange's message durably on an Artemis queue (the embedded broker's
 * called in process, another broker over the core client), and completes the exchange only when the broker has
 * confirmed it, from that confirmation, without holding a thread while the journal syncs. Producer only.
 * <p>
 * The stored message is what Artemis' JMS client would store for a {@code TextMessage} sent to that queue: a durable
 * core message of type {@code TEXT_TYPE} whose body is the message body as text, written as the JMS TextMessage
 * writes it, routed ANYCAST, with a JMS message id; each header becomes a property of the same name (strings, numbers
 * and booleans), except {@code JMSXGroupID}, which becomes the core group id ({@code _AMQ_GROUP_ID}, read back as
 * {@code JMSXGroupID} by a JMS consumer). {@code _AMQ_DUPL_ID} is Artemis' duplicate id, as with JMS.
 * <p>
 * Events are stored by batch, one transaction for all the events handed over while the previous one was committed
 * ({@link GroupCommit}). Outcome: the exchange continues when the broker has committed its batch; it fails with the
 * broker's exception when the batch was refused or the broker cannot be reached, and with a 503
 * {@link RejectedWebhook} ({@code busy}) when {@code maxInFlight} events already wait for their batch.
 */
public class StoreComponent extends DefaultComponent {
    private final BrokerLogin broker;
    private final EmbeddedBroker embedded;
    private final int maxInFlight;
    private final IntConsumer batchSizes;

    /**
     * @param broker      the broker and the service's login there ({@code BrokerConnection.login()})
     * @param embedded    that broker when it is this JVM's ({@code BrokerConnection.embedded()}), else null
     * @param maxInFlight events awaiting their batch's commit, at most ({@code ingest.max-in-flight})
     * @param batchSizes  told the number of events of each transaction committed (a metric)
     */
    public StoreComponent(BrokerLogin broker, EmbeddedBroker embedded, int maxInFlight, IntConsumer batchSizes) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("ingest.max-in-flight must be at least 1, not " + maxInFlight);
        }
        this.broker = broker;
        this.embedded = embedded;
        this.maxInFlight = maxInFlight;
        this.batchSizes = batchSizes;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        if (remaining.isBlank()) {
            throw new IllegalArgumentException("artemis-store: needs a queue name: " + uri);
        }
        return new StoreEndpoint(uri, this, remaining);
    }

    /** How a batch is stored on {@code queue}: in process with the embedded broker, over a core session otherwise. */
    BrokerTransactions transactions(String queue) {
        SimpleString address = SimpleString.of(queue);
        return embedded != null ? new InProcessTransactions(embedded, address) : new ClientTransactions(broker, address);
    }

    int maxInFlight() {
        return maxInFlight;
    }

    IntConsumer batchSizes() {
        return batchSizes;
    }
}
