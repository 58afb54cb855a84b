package dev.wbxt.router.ops;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;

/**
 * A value computed from the running routes (the command routes, the forward destinations), kept until a route is
 * added, removed, started or stopped (a hot reload does all of these), then computed again on next use. Reading
 * every route for every event was a per-event cost; a reload must still show at the next event.
 */
public final class RouteDerived<T> {
    private final CamelContext context;
    private final Function<CamelContext, T> compute;
    private final AtomicLong changes = new AtomicLong();
    private volatile Snapshot<T> snapshot;

    private record Snapshot<T>(long changes, T value) {
    }

    public RouteDerived(CamelContext context, Function<CamelContext, T> compute) {
        this.context = context;
        this.compute = compute;
        EventNotifierSupport notifier = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                changes.incrementAndGet();
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.RouteEvent;
            }
        };
        notifier.setIgnoreCamelContextEvents(true);
        notifier.setIgnoreExchangeEvents(true);
        notifier.setIgnoreServiceEvents(true);
        notifier.setIgnoreStepEvents(true);
        context.getManagementStrategy().addEventNotifier(notifier);
        ServiceHelper.startService(notifier); // a notifier added after the context started is not started for us
    }

    public T get() {
        long now = changes.get();
        Snapshot<T> s = snapshot;
        if (s == null || s.changes() != now) {
            // computed from the routes as they are after change `now`: a change during it makes the next get() compute again
            s = new Snapshot<>(now, compute.apply(context));
            snapshot = s;
        }
        return s.value();
    }
}
