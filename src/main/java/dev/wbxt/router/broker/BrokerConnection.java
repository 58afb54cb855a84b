package dev.wbxt.router.broker;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import jakarta.jms.ConnectionFactory;

import dev.wbxt.router.ingest.EventHeaders;
import dev.wbxt.router.ops.FatalStop;
import dev.wbxt.router.ops.StopHook;
import dev.wbxt.router.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The broker the service talks to: the embedded one (started here, journal under {@code dataDir}) or an external
 * Artemis ({@code broker.url}, logged in with {@code broker.username}/{@code broker.password}), whose depths and queues
 * are asked over its management address ({@link BrokerManagement}) and whose address settings are checked at start.
 */
public final class BrokerConnection {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerConnection.class);
    private final ConnectionFactory connectionFactory;
    private final EmbeddedBroker embedded;
    private final BrokerManagement management;
    private final BrokerLogin login;
    private final Set<String> brokerDeadLetters;

    private BrokerConnection(ConnectionFactory connectionFactory, EmbeddedBroker embedded, BrokerManagement management,
                             BrokerLogin login, Set<String> brokerDeadLetters) {
        this.connectionFactory = connectionFactory;
        this.embedded = embedded;
        this.management = management;
        this.login = login;
        this.brokerDeadLetters = brokerDeadLetters;
    }

    /**
     * @param external      the external broker and the login there; an empty URL starts the embedded broker
     * @param eventsQueue   the events queue, and {@code otherQueues} the service's other queues, whose address
     *                      settings an external broker must have safe ({@link BrokerSettingsCheck})
     */
    public static BrokerConnection start(CamelContext context, BrokerLogin external, Path dataDir, int duplicateCacheSize,
                                         int queueMemoryMb, String eventsQueue, List<String> otherQueues) throws Exception {
        BrokerLogin login = external;
        EmbeddedBroker embedded = null;
        BrokerManagement management = null;
        Set<String> brokerDeadLetters = Set.of(); // the embedded broker's own: wbxt.broker.dlq, a *.dlq name
        if (external.url().isEmpty()) {
            embedded = new EmbeddedBroker(dataDir, duplicateCacheSize, queueMemoryMb, ExternalAccess.read(context),
                    Settings.of(context).text("broker.journal-buffer-timeout-us"),
                    Settings.of(context).number("ingest.min-free-disk-mb") * 1024L * 1024L / 2,
                    FatalStop.of(context)::stop);
            embedded.start(); // opens the journal in the background
            context.addService(embedded, true, false);
            context.addStartupListener(new BrokerStarted(embedded)); // ... and the routes start once it is open
            login = embedded.login();
        } else {
            management = BrokerManagement.connect(login); // a wrong login or URL stops the start here
            StopHook.register(context, management::close);
            brokerDeadLetters = BrokerSettingsCheck.check(management, eventsQueue, otherQueues);
            // the room lanes hold a room handed over by another instance (rooms/RoomsConsumer#handover)
            if (management.markGroupFirst(eventsQueue, EventHeaders.GROUP_FIRST)) {
                LOG.info("The broker marks the first event of a room it hands to an instance ({} on {}): group-first-key",
                        EventHeaders.GROUP_FIRST, eventsQueue);
            }
        }
        CachingConnectionFactory cached = new CachingConnectionFactory(login.jmsFactory());
        // One cached session per concurrent sender (the HTTP server's worker threads, the consumers): a sender
        // beyond the cache would open and close a session, two broker round trips, on every webhook.
        cached.setSessionCacheSize(64);
        cached.setCacheConsumers(false); // the listener containers keep their own consumers
        StopHook.register(context, cached::destroy); // added after the broker, so closed before it stops
        return new BrokerConnection(cached, embedded, management, login, brokerDeadLetters);
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

    /** The broker for the Artemis core clients (in-VM for the embedded one) and the service's login there. */
    public BrokerLogin login() {
        return login;
    }

    /** The embedded broker, or null when the broker is external. */
    public EmbeddedBroker embedded() {
        return embedded;
    }

    public ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    /**
     * Messages waiting in the queue, without waiting for a broker (an external broker's figure is asked once a
     * second, in the background); NaN when unknown.
     */
    public double queueDepth(String queue) {
        return embedded != null ? embedded.messageCount(queue) : management.queueDepth(queue);
    }

    /** Deletes the address and its queues, their messages with them: for a queue of the service's own, used once. */
    public void deleteAddress(String address) throws Exception {
        if (embedded != null) {
            embedded.deleteAddress(address);
        } else {
            management.deleteAddress(address);
        }
    }

    /** The queues that exist now. */
    public List<String> queueNames() {
        return embedded != null ? embedded.queueNames() : management.queueNames();
    }

    /** The dead-letter queues that exist now: the service's ({@code *.dlq}) and the broker's own (DLQ, ExpiryQueue). */
    public List<String> deadLetterQueues() {
        return queueNames().stream().filter(q -> q.endsWith(".dlq") || brokerDeadLetters.contains(q)).toList();
    }

    /** Whether a message sent to that topic now would reach a subscriber; true when the broker is external (unknown). */
    public boolean hasSubscribers(String topic) {
        return embedded == null || embedded.hasSubscribers(topic);
    }
}
