package dev.wbxt.router.broker;

import java.nio.file.Path;
import java.util.List;

import jakarta.jms.ConnectionFactory;

import dev.wbxt.router.ops.StopHook;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import dev.wbxt.router.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The broker the service talks to: the embedded one (started here, journal under {@code dataDir}) or an external
 * Artemis at {@code brokerUrl}. Queue depths and names are known for the embedded broker only.
 */
public final class BrokerConnection {
    private final ConnectionFactory connectionFactory;
    private final EmbeddedBroker embedded;
    private final String url;

    private BrokerConnection(ConnectionFactory connectionFactory, EmbeddedBroker embedded, String url) {
        this.connectionFactory = connectionFactory;
        this.embedded = embedded;
        this.url = url;
    }

    public static BrokerConnection start(CamelContext context, String brokerUrl, Path dataDir, int duplicateCacheSize,
                                         int queueMemoryMb) throws Exception {
        String url = brokerUrl;
        EmbeddedBroker embedded = null;
        if (url.isEmpty()) {
            embedded = new EmbeddedBroker(dataDir, duplicateCacheSize, queueMemoryMb, ExternalAccess.read(context),
                    Settings.of(context).text("broker.journal-buffer-timeout-us"));
            embedded.start(); // opens the journal in the background
            context.addService(embedded, true, false);
            context.addStartupListener(new BrokerStarted(embedded)); // ... and the routes start once it is open
            url = "vm://0";
        }
        CachingConnectionFactory cached = new CachingConnectionFactory(new ActiveMQConnectionFactory(url));
        // One cached session per concurrent sender (the HTTP server's worker threads, the consumers): a sender
        // beyond the cache would open and close a session, two broker round trips, on every webhook.
        cached.setSessionCacheSize(64);
        cached.setCacheConsumers(false); // the listener containers keep their own consumers
        StopHook.register(context, cached::destroy); // added after the broker, so closed before it stops
        return new BrokerConnection(cached, embedded, url);
    }

    /** Holds the routes back until the embedded broker is open; a broker that could not start stops the start-up. */
    private record BrokerStarted(EmbeddedBroker broker) implements StartupListener {
        @Override
        public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) throws Exception {
            broker.awaitStarted();
        }

        @Override
        public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        }
    }

    /** The broker's URL for an Artemis core client ({@code ServerLocator}): {@code vm://0} for the embedded one. */
    public String url() {
        return url;
    }

    /** The embedded broker, or null when the broker is external. */
    public EmbeddedBroker embedded() {
        return embedded;
    }

    public ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    /** Messages waiting in the queue; NaN when the broker is external. */
    public double queueDepth(String queue) {
        return embedded == null ? Double.NaN : embedded.messageCount(queue);
    }

    /** The queues that exist now; empty when the broker is external. */
    public List<String> queueNames() {
        return embedded == null ? List.of() : embedded.queueNames();
    }

    /** Whether a message sent to that topic now would reach a subscriber; true when the broker is external (unknown). */
    public boolean hasSubscribers(String topic) {
        return embedded == null || embedded.hasSubscribers(topic);
    }
}
