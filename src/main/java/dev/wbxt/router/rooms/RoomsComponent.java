package dev.wbxt.router.rooms;

import java.util.Map;

import dev.wbxt.router.processing.FailureReport;
import dev.wbxt.router.processing.FailureRules;
import dev.wbxt.router.processing.Retries;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code rooms:<queue>}: consumes a durable Artemis queue whose messages are grouped by room, one lane per room
 * (see {@link RoomsEndpoint} for the options). Bound as {@code rooms} by the service, with the broker and the
 * failure rules of {@code processing.*} (the generated service file cannot make one: it needs them).
 */
@Component("rooms")
public class RoomsComponent extends DefaultComponent {
    private final String brokerUrl;
    private final Retries retries;
    private final FailureRules rules;
    private final FailureReport report;

    /** @param brokerUrl an Artemis core URL: {@code vm://0} (the embedded broker) or {@code tcp://host:port} */
    public RoomsComponent(String brokerUrl, Retries retries, FailureRules rules, FailureReport report) {
        this.brokerUrl = brokerUrl;
        this.retries = retries;
        this.rules = rules;
        this.report = report;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining.isBlank()) {
            throw new IllegalArgumentException("rooms: needs a queue name, e.g. rooms:wbxt.events");
        }
        RoomsEndpoint endpoint = new RoomsEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    String getBrokerUrl() {
        return brokerUrl;
    }

    Retries getRetries() {
        return retries;
    }

    FailureRules getRules() {
        return rules;
    }

    FailureReport getReport() {
        return report;
    }
}
