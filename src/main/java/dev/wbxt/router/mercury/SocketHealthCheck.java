package dev.wbxt.router.mercury;

import java.time.Instant;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The websocket as part of readiness: DOWN once it has been disconnected longer than the grace period
 * ({@code webex.socket.grace-ms}); a short reconnect does not take the service out of rotation. Not a liveness
 * check: the service reconnects by itself, a restart would not help.
 */
public class SocketHealthCheck extends AbstractHealthCheck {
    private final SocketStatus status;
    private final long graceMillis;

    public SocketHealthCheck(SocketStatus status, long graceMillis) {
        super("wbxt", "webex-socket");
        this.status = status;
        this.graceMillis = graceMillis;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long since = status.disconnectedSince();
        builder.detail("connected", since == 0);
        if (since == 0) {
            builder.message("Webex websocket open").up();
        } else if (System.currentTimeMillis() - since <= graceMillis) {
            builder.message("Webex websocket reconnecting since " + Instant.ofEpochMilli(since)).up();
        } else {
            builder.message("Webex websocket disconnected since " + Instant.ofEpochMilli(since)
                    + ": no event comes in").down();
        }
    }
}
