package dev.wbxt.router.ops;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.spi.EventNotifier;
import org.apache.camel.support.EventHelper;

/**
 * Tells the event notifiers that Camel's own components add for route and context events only that they take no
 * exchange event, so that Camel raises no exchange event at all while no notifier wants one.
 * <p>
 * Why: Camel raises an exchange event (created, sending, sent, completed...) for every step of every exchange as soon
 * as one notifier does not ignore exchange events ({@code EventHelper.eventsApplicable}, read at start): it then walks
 * every notifier for each event and builds the event for those that do not ignore it, only for them to answer that
 * they do not want it. Three of Camel 4.18's notifiers do not say they ignore them, although their
 * {@code isEnabled} takes route or context events only (read in their code): camel-platform-http-main's
 * {@code MainHttpServerUtil} (context started, routes reloaded; four of them in the service), camel-micrometer's
 * {@code MicrometerRouteEventNotifier} (route events) and camel-micrometer-prometheus's registry reset
 * ({@code MicrometerPrometheus}, routes reloaded). Measured: exchange events were 2-3 % of the processing samples
 * (about 20 per message event, each walking ten notifiers).
 * <p>
 * A notifier that wants exchange events (camel-micrometer's exchange notifier, the backfill's processed mark, a
 * tracer's) is left as it is, and Camel raises them again as soon as one is there, also one added later
 * ({@code DefaultManagementStrategy.addEventNotifier}).
 */
public final class RouteEventNotifiers implements StartupListener {
    /** Class names (prefixes: anonymous classes) of the notifiers whose {@code isEnabled} takes no exchange event. */
    private static final List<String> ROUTE_EVENTS_ONLY = List.of(
            "org.apache.camel.component.platform.http.main.MainHttpServerUtil$",
            "org.apache.camel.component.micrometer.eventnotifier.MicrometerRouteEventNotifier",
            "org.apache.camel.component.micrometer.prometheus.MicrometerPrometheus$");

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // MainHttpServerUtil adds its notifiers when the context has started: fully started is after them
    }

    /** Marks the known route-only notifiers, then has Camel decide again whether any notifier takes exchange events. */
    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        for (EventNotifier notifier : context.getManagementStrategy().getEventNotifiers()) {
            String name = notifier.getClass().getName();
            if (ROUTE_EVENTS_ONLY.stream().anyMatch(name::startsWith)) {
                notifier.setIgnoreExchangeEvents(true);
            }
        }
        context.getCamelContextExtension().setEventNotificationApplicable(EventHelper.eventsApplicable(context));
    }
}
