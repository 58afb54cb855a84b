package dev.wbxt.router.ingest;

import java.util.Map;

import dev.wbxt.router.broker.BrokerLogin;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code artemis-store:<queue>}: stores the exchange's message durably on an Artemis queue over the core client, and
 * completes the exchange only when the broker has confirmed it, from that confirmation, without holding a thread
 * while the journal syncs. Producer only.
 * <p>
 * The stored message is what Artemis' JMS client would store for a {@code TextMessage} sent to that queue: a durable
 * core message of type {@code TEXT_TYPE} whose body is the message body as text, written as the JMS TextMessage
 * writes it, routed ANYCAST, with a JMS message id; each header becomes a property of the same name (strings, numbers
 * and booleans), except {@code JMSXGroupID}, which becomes the core group id ({@code _AMQ_GROUP_ID}, read back as
 * {@code JMSXGroupID} by a JMS consumer). {@code _AMQ_DUPL_ID} is Artemis' duplicate id, as with JMS.
 * <p>
 * Outcome: the exchange continues when the broker acknowledges the send; it fails with the broker's exception when
 * the broker refuses it or cannot be reached, and with a 503 {@link RejectedWebhook} ({@code busy}) when
 * {@code maxInFlight} sends already wait for their confirmation.
 */
public class StoreComponent extends DefaultComponent {
    private final BrokerLogin broker;
    private final int maxInFlight;

    /**
     * @param broker      the broker and the service's login there ({@code BrokerConnection.login()})
     * @param maxInFlight sends awaiting their confirmation, at most ({@code ingest.max-in-flight})
     */
    public StoreComponent(BrokerLogin broker, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("ingest.max-in-flight must be at least 1, not " + maxInFlight);
        }
        this.broker = broker;
        this.maxInFlight = maxInFlight;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        if (remaining.isBlank()) {
            throw new IllegalArgumentException("artemis-store: needs a queue name: " + uri);
        }
        return new StoreEndpoint(uri, this, remaining);
    }

    BrokerLogin broker() {
        return broker;
    }

    int maxInFlight() {
        return maxInFlight;
    }
}
