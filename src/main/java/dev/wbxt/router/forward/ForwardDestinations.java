package dev.wbxt.router.forward;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.wbxt.router.broker.BrokerConnection;
import dev.wbxt.router.ops.RouteDerived;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.CamelContextHelper;

/**
 * Who takes a processed event: the broker topic ({@code forward.topic}) when someone subscribes to it, and the queue
 * of every forward destination, found among the routes: every route that consumes a queue named
 * {@code <queue.forward>.<name>} (what the {@code forward-destination} template creates) is a destination. A new
 * templated route in {@code routes/} is picked up by the next event, with no list to keep in step; the routes are
 * read again only when they change.
 */
public class ForwardDestinations {
    /** The variable {@link #select} sets: the URIs to send the CloudEvent to, or null when nobody takes it. */
    public static final String VARIABLE = "forwardTo";
    private final String prefix;
    private final String topic;
    private final String topicUri;
    private final CamelContext context;
    private final RouteDerived<List<String>> queues;
    private volatile BrokerConnection broker;

    /**
     * @param queuePrefix {@code queue.forward}, e.g. {@code wbxt.forward}
     * @param topic       {@code forward.topic}, empty: none
     */
    public ForwardDestinations(CamelContext context, String queuePrefix, String topic) {
        this.context = context;
        this.prefix = queuePrefix + ".";
        this.topic = topic == null || topic.isBlank() ? null : topic.trim();
        this.topicUri = this.topic == null ? null : "jms:topic:" + this.topic + "?jmsMessageType=Text";
        this.queues = new RouteDerived<>(context, this::destinationQueues);
    }

    /**
     * Sets {@value #VARIABLE}: the topic when a subscriber would get the event (asked of the embedded broker for
     * every event: subscribers come and go; an external broker is always sent to), then every destination's queue;
     * null when nobody takes the event, so the envelope is not even built.
     */
    public void select(Exchange exchange) {
        List<String> destinations = queues.get();
        boolean toTopic = topic != null && broker().hasSubscribers(topic);
        List<String> to = null;
        if (toTopic || !destinations.isEmpty()) {
            to = new ArrayList<>(destinations.size() + 1);
            if (toTopic) {
                to.add(topicUri);
            }
            to.addAll(destinations);
        }
        exchange.setVariable(VARIABLE, to);
    }

    /**
     * Whether a route definition is a forward destination's: a route made from a template with a {@code uri}
     * parameter (the forward-destination template of routes/91-forward.yaml), before it is created.
     */
    public static boolean isDestinationRoute(RouteDefinition route) {
        Map<String, Object> parameters = route.getTemplateParameters();
        return route.isCreatedFromTemplate() && parameters != null && parameters.containsKey("uri");
    }

    private BrokerConnection broker() {
        BrokerConnection b = broker;
        if (b == null) {
            b = CamelContextHelper.mandatoryLookup(context, "brokerConnection", BrokerConnection.class);
            broker = b;
        }
        return b;
    }

    /**
     * The JMS URIs of every destination queue. Their messages are BytesMessages, the CloudEvent's UTF-8 bytes: a
     * TextMessage's text is copied into the broker's encoding char by char (two bytes each), which was 5 % of the
     * service's CPU with a destination (JFR, the soak's capacity run); a destination's route reads it as text again
     * ({@code plainMessage}). The topic stays a TextMessage: its subscribers are other systems.
     */
    private List<String> destinationQueues(CamelContext camel) {
        return camel.getRoutes().stream()
                .map(Route::getEndpoint)
                .filter(JmsEndpoint.class::isInstance)
                .map(e -> ((JmsEndpoint) e).getDestinationName())
                .filter(q -> q.startsWith(prefix) && !q.endsWith(".dlq"))
                .distinct().sorted()
                .map(q -> "jms:queue:" + q + "?jmsMessageType=Bytes")
                .toList();
    }
}
