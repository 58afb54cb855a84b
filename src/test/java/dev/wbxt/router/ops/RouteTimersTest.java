package dev.wbxt.router.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * {@link RouteTimers} registers and counts what camel-micrometer's own route policy does at route level: the same
 * meters (names, tags, descriptions' kinds) with the same counts, for routes an exchange enters through direct:.
 */
class RouteTimersTest {

    private static Map<String, Double> run(boolean ours) throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        CamelContext camel = new DefaultCamelContext();
        camel.getCamelContextExtension().setName("timers");
        if (ours) {
            camel.addRoutePolicyFactory(new RouteTimers(registry));
        } else {
            MicrometerRoutePolicyFactory factory = new MicrometerRoutePolicyFactory();
            factory.setMeterRegistry(registry);
            factory.getPolicyConfiguration().setContextEnabled(false);
            factory.getPolicyConfiguration().setRouteEnabled(true);
            camel.addRoutePolicyFactory(factory);
        }
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:outer").routeId("outer").to("direct:inner").to("direct:inner");
                from("direct:inner").routeId("inner").filter(simple("${body} == 'boom'"))
                        .throwException(new IllegalStateException("boom"));
                from("direct:quiet").routeId("quiet").log("never called");
            }
        });
        camel.start();
        try (var template = camel.createProducerTemplate()) {
            template.sendBody("direct:outer", "a");
            template.sendBody("direct:outer", "b");
            assertThrows(Exception.class, () -> template.requestBody("direct:inner", "boom"));
        }
        Map<String, Double> meters = new TreeMap<>();
        for (Meter m : registry.getMeters()) {
            String id = m.getId().getName() + m.getId().getTags() + " " + m.getId().getType();
            double value = m instanceof Timer t ? t.count() : m instanceof Counter c ? c.count() : Double.NaN;
            meters.put(id, value);
        }
        camel.stop();
        return meters;
    }

    @Test
    void theSameMetersAndCountsAsCamelMicrometersRoutePolicy() throws Exception {
        Map<String, Double> camels = run(false);
        // app.info (the Camel version gauge) comes with the route policy's service here; in the service camel-main's
        // route event notifier registers it the same way (camel.metrics.enable-route-event-notifier), so it stays
        camels.keySet().removeIf(k -> k.startsWith("app.info"));
        Map<String, Double> ours = run(true);
        assertEquals(camels, ours);
        assertTrue(ours.keySet().stream().anyMatch(k -> k.startsWith("camel.route.policy") && k.contains("routeId=inner")),
                ours.toString());
        assertEquals(5.0, ours.entrySet().stream().filter(e -> e.getKey().startsWith("camel.route.policy")
                && e.getKey().contains("routeId=inner")).findFirst().orElseThrow().getValue(), "2 × 2 entries + the failed one");
    }
}
