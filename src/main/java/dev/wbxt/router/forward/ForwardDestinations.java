package dev.wbxt.router.forward;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.jms.JmsEndpoint;

/**
 * The queues of the forward destinations, found among the routes: every route that consumes a queue named
 * {@code <queue.forward>.<name>} (what the {@code forward-destination} template creates) is a destination. A new
 * templated route in {@code routes/} is picked up by the next event, with no list to keep in step.
 */
public class ForwardDestinations {
    private final String prefix;

    /** @param queuePrefix {@code queue.forward}, e.g. {@code wbxt.forward} */
    public ForwardDestinations(String queuePrefix) {
        this.prefix = queuePrefix + ".";
    }

    /** The JMS URIs of every destination queue, for the recipient list of the publish step. */
    public List<String> queues(CamelContext context) {
        return context.getRoutes().stream()
                .map(Route::getEndpoint)
                .filter(JmsEndpoint.class::isInstance)
                .map(e -> ((JmsEndpoint) e).getDestinationName())
                .filter(q -> q.startsWith(prefix) && !q.endsWith(".dlq"))
                .distinct().sorted()
                .map(q -> "jms:queue:" + q + "?jmsMessageType=Text")
                .toList();
    }
}
