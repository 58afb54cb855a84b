package dev.wbxt.router.rooms;

import java.util.concurrent.ExecutorService;

import java.util.Map;

import dev.wbxt.router.broker.BrokerLogin;
import dev.wbxt.router.processing.FailureReport;
import dev.wbxt.router.processing.FailureRules;
import dev.wbxt.router.processing.Retries;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code rooms:<queue>}: consumes a durable Artemis queue whose messages are grouped by room, one lane per room
 * (see {@link RoomsEndpoint} for the options). Bound as {@code rooms} by the service, with the broker and the
 * failure rules of {@code processing.*} (the generated service file cannot make one: it needs them).
 */
@Component("rooms")
public class RoomsComponent extends DefaultComponent {
    private final BrokerLogin broker;
    private final Retries retries;
    private final FailureRules rules;
    private final FailureReport report;
    @Metadata(label = "advanced", description = "The threads the lanes run on (the service's processing threads); "
            + "none: each consumer makes a pool of its endpoint's workerThreads")
    private ExecutorService executorService;
    @Metadata(label = "advanced", description = "Told what the lanes take and how they acknowledge (the backlog's "
            + "age, the batches)")
    private LaneMetrics metrics = LaneMetrics.NONE;

    /** @param broker the embedded broker (in-VM) or an external one ({@code tcp://host:port}), and the login */
    public RoomsComponent(BrokerLogin broker, Retries retries, FailureRules rules, FailureReport report) {
        this.broker = broker;
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

    /**
     * The threads the lanes run on (the service's processing threads, shared with the {@code webex:} component's
     * answers); none: each consumer makes a pool of its endpoint's {@code workerThreads}.
     */
    public void setExecutorService(ExecutorService executorService) {
        this.executorService = executorService;
    }

    ExecutorService getExecutorService() {
        return executorService;
    }

    /** Told what the lanes take and how they acknowledge (the backlog's age, the batches). */
    public void setMetrics(LaneMetrics metrics) {
        this.metrics = metrics;
    }

    LaneMetrics getMetrics() {
        return metrics;
    }

    BrokerLogin getBroker() {
        return broker;
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
