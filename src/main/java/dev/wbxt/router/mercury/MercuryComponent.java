package dev.wbxt.router.mercury;

import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

import dev.wbxt.router.config.RouterSettings.SocketTiming;
import dev.wbxt.router.ops.RouterMetrics;
import dev.wbxt.router.webex.OutboundProxy;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;

/**
 * {@code webex-socket:<name>}: receives Webex events over the websocket Webex's own apps use (Mercury), as the
 * notification a webhook would carry for the same event (see {@link MercuryFrames}), one exchange per event, and
 * acknowledges the frame to Webex only when the route completed the exchange without an exception (the route ends
 * in the durable store). Consumer only; one socket per component. See {@link MercuryConsumer} for the connection's
 * life: device, authorization, reconnects, stop. After a reconnect it tells its {@link Gap} listener since when
 * events may have been missed.
 */
public class MercuryComponent extends DefaultComponent {
    /**
     * Where and how to connect: the device registry's base URL, the bot token, the proxy, the reconnect timing, and
     * the connect timeout (also the longest wait for the device's deletion on stop).
     */
    public record Connection(String devicesUrl, String token, OutboundProxy proxy, SocketTiming timing,
                             int connectTimeoutMillis) {
        @Override
        public String toString() { // never the token
            return "Connection[devicesUrl=" + devicesUrl + ", proxy=" + proxy + "]";
        }
    }

    /**
     * Told after a reconnect that events since {@code since} may never come over the socket: the last frame the
     * previous socket received (or its opening, when it received none). Called on the socket's event loop: it must
     * not block.
     */
    @FunctionalInterface
    public interface Gap {
        void missedSince(Instant since);
    }

    private final Supplier<Connection> settings;
    private volatile Gap gap = since -> { };
    private Connection connection;
    private final RouterMetrics metrics;
    private final SocketStatus status = new SocketStatus();

    /** {@code connection} is asked once, when the first consumer is created (the webex: options are bound then). */
    public MercuryComponent(Supplier<Connection> connection, RouterMetrics metrics) {
        this.settings = connection;
        this.metrics = metrics;
        metrics.socketConnected(status::connected);
    }

    public SocketStatus status() {
        return status;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        return new DefaultEndpoint(uri, this) {
            @Override
            public Producer createProducer() {
                throw new UnsupportedOperationException("webex-socket: only receives (" + uri + ")");
            }

            @Override
            public Consumer createConsumer(Processor processor) throws Exception {
                MercuryConsumer consumer = new MercuryConsumer(this, processor, MercuryComponent.this);
                configureConsumer(consumer);
                return consumer;
            }
        };
    }

    /** Who catches up after a reconnect (the backfill, webhooks/SocketGapBackfill); by default nobody. */
    public void setGap(Gap gap) {
        this.gap = gap;
    }

    Gap gap() {
        return gap;
    }

    synchronized Connection connection() {
        if (connection == null) {
            connection = settings.get();
        }
        return connection;
    }

    RouterMetrics metrics() {
        return metrics;
    }
}
