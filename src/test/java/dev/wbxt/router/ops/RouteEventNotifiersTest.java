package dev.wbxt.router.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerRouteEventNotifier;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.Test;

/**
 * {@link RouteEventNotifiers} on a real CamelContext: with only route-event notifiers Camel raises no exchange event
 * and the route events still arrive; a notifier added later that wants exchange events gets them.
 */
class RouteEventNotifiersTest {

    @Test
    void routeOnlyNotifiersTurnExchangeEventsOffAndALaterExchangeNotifierTurnsThemOn() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CamelContext camel = new DefaultCamelContext();
        MicrometerRouteEventNotifier routes = new MicrometerRouteEventNotifier();
        routes.setMeterRegistry(meters);
        camel.getManagementStrategy().addEventNotifier(routes);
        camel.addStartupListener(new RouteEventNotifiers());
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").routeId("in").to("direct:next");
                from("direct:next").routeId("next").setBody(constant("done"));
            }
        });
        camel.start();
        try (var template = camel.createProducerTemplate()) {
            assertFalse(camel.getCamelContextExtension().isEventNotificationApplicable());
            assertEquals("done", template.requestBody("direct:in", "x"));
            // the route events still reach it: both routes counted as running
            assertEquals(2.0, meters.get("camel.routes.running").gauge().value());

            List<String> completed = new CopyOnWriteArrayList<>();
            EventNotifierSupport exchanges = new EventNotifierSupport() {
                @Override
                public void notify(CamelEvent event) {
                    completed.add(((CamelEvent.ExchangeCompletedEvent) event).getExchange().getFromRouteId());
                }

                @Override
                public boolean isEnabled(CamelEvent event) {
                    return event instanceof CamelEvent.ExchangeCompletedEvent;
                }
            };
            camel.getManagementStrategy().addEventNotifier(exchanges);
            exchanges.start();
            assertTrue(camel.getCamelContextExtension().isEventNotificationApplicable());
            assertEquals("done", template.requestBody("direct:in", "y"));
            assertEquals(List.of("in"), completed);
        } finally {
            camel.stop();
        }
    }
}
