package dev.wbxt.router.webex;

import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Webex reachability as a detail of readiness. Always UP: when Webex is down the service still does its job (it
 * stores every webhook and answers once Webex is back), so it must not be taken out of rotation, nor flap.
 */
public class WebexHealthCheck extends AbstractHealthCheck {
    private final Supplier<WebexAvailability> availability; // read when asked: the component's options bind after this

    public WebexHealthCheck(Supplier<WebexAvailability> availability) {
        super("wbxt", "webex");
        this.availability = availability;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        WebexAvailability availability = this.availability.get();
        builder.detail("circuit", availability.state());
        builder.message(availability.isOutage()
                ? "Webex unreachable since " + availability.unavailableSince() + ": events wait in the queue"
                : "Webex answering");
        builder.up();
    }
}
