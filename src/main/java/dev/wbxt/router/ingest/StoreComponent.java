package dev.wbxt.router.ingest;

import java.util.Map;

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
    /** The header stored as the core group id: the JMS name, so that a JMS consumer reads it back the same. */
    private final String brokerUrl;
    private final int maxInFlight;

    /**
     * @param brokerUrl   the broker for a core {@code ServerLocator} ({@code BrokerConnection.url()})
     * @param maxInFlight sends awaiting their confirmation, at most ({@code ingest.max-in-flight})
     */
    public StoreComponent(String brokerUrl, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("ingest.max-in-flight must be at least 1, not " + maxInFlight);
        }
        this.brokerUrl = brokerUrl;
        this.maxInFlight = maxInFlight;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        if (remaining.isBlank()) {
            throw new IllegalArgumentException("artemis-store: needs a queue name: " + uri);
        }
        return new StoreEndpoint(uri, this, remaining);
    }

    String brokerUrl() {
        return brokerUrl;
    }

    int maxInFlight() {
        return maxInFlight;
    }
}
