package dev.wbxt.router.recording;

import dev.wbxt.router.ingest.EventHeaders;
import dev.wbxt.router.forward.CloudEventEnvelope;
import dev.wbxt.router.webex.WebexCallObserver;
import dev.wbxt.router.webex.WebexOperation;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.NonManagedService;
import org.apache.camel.Route;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sees what the routes do with each event, installed only while something records (README "Recording and
 * replay"): with the recording off none of this exists, no route has its policy and the {@code webex:} producers are
 * the plain ones. Three taps, each where the thing happens:
 * <ul>
 * <li>the event route (the one consuming {@code rooms:}, routes/10-dispatch.yaml): an attempt begins when the lane
 * hands it the stored notification, and ends when the route is done ({@link RoutePolicy}s, as ops/RouteTimers);</li>
 * <li>every {@code webex:} call made for that exchange, answered ({@link WebexCallObserver}): the Webex answers, and
 * the replies ({@code createMessage}, sent by routes/90-fan-out.yaml);</li>
 * <li>the forward route (the one consuming {@value #FORWARD_ROUTE}, routes/91-forward.yaml): the CloudEvent of the
 * event as the envelope makes it, whether or not a destination then takes it.</li>
 * </ul>
 * The attempt travels with the exchange as the property {@value #PROPERTY} (a split's copies share it).
 */
public final class Recorder implements RoutePolicyFactory, WebexCallObserver {
    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);
    static final String PROPERTY = "WbxtRecordedEvent";
    /** Where routes/90-fan-out.yaml hands every processed event to forwarding. */
    static final String FORWARD_ROUTE = "direct:forward";
    private final RecordingSink sink;
    private final CamelContext context;
    private volatile CloudEventEnvelope envelope;

    public Recorder(CamelContext context, RecordingSink sink) {
        this.context = context;
        this.sink = sink;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        String from = route instanceof RouteDefinition definition && definition.getInput() != null
                ? definition.getInput().getEndpointUri() : null;
        if (from == null) {
            return null;
        }
        if (from.startsWith("rooms:")) {
            return new EventPolicy();
        }
        if (from.equals(FORWARD_ROUTE) || from.equals("direct://forward")) {
            return new ForwardPolicy();
        }
        return null;
    }

    @Override
    public void called(Exchange exchange, WebexOperation operation, String id, Object request, Object answer,
                       Throwable failure) {
        RecordedEvent event = exchange.getProperty(PROPERTY, RecordedEvent.class);
        if (event != null) { // null: a call outside an event (the registrar, the backfill, the bot's identity at start)
            event.called(operation, id, request, answer, failure);
        }
    }

    /** The event route: an attempt per exchange the lane hands it. */
    private final class EventPolicy extends RoutePolicySupport implements NonManagedService {
        @Override
        public void onExchangeBegin(Route route, Exchange exchange) {
            exchange.setProperty(PROPERTY, new RecordedEvent(exchange.getMessage().getHeader(EventHeaders.EVENT_KEY,
                    String.class), exchange.getMessage().getBody(), System.currentTimeMillis()));
        }

        @Override
        public void onExchangeDone(Route route, Exchange exchange) {
            if (exchange.removeProperty(PROPERTY) instanceof RecordedEvent event) {
                event.finished(exchange.getException());
                sink.accept(event);
            }
        }
    }

    /** The forward route: the CloudEvent every destination selects from. */
    private final class ForwardPolicy extends RoutePolicySupport implements NonManagedService {
        @Override
        public void onExchangeBegin(Route route, Exchange exchange) {
            RecordedEvent event = exchange.getProperty(PROPERTY, RecordedEvent.class);
            if (event == null) {
                return;
            }
            try {
                event.forwarded(envelope().of(exchange));
            } catch (Exception e) { // the forward route builds the same envelope, and fails the event itself
                LOG.debug("No CloudEvent recorded for {}: {}", event.key(), e.toString());
            }
        }
    }

    private CloudEventEnvelope envelope() {
        CloudEventEnvelope e = envelope;
        if (e == null) {
            e = CamelContextHelper.mandatoryLookup(context, "cloudEvents", CloudEventEnvelope.class);
            envelope = e;
        }
        return e;
    }
}
