package dev.wbxt.router.broker;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.api.core.ActiveMQQueueExistsException;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the service asks an external broker about itself, over the core client's management messages (a request to
 * the {@code activemq.management} address, as {@code artemis queue stat} does; the user needs the {@code manage}
 * permission, which {@code artemis create} gives its user): the queues that exist, for the dead-letter list, and the
 * address settings checked at start; and, with a core queue query, queue depths for the backpressure and
 * {@code wbxt_queue_depth}. Depths are asked once a second per queue (admission asks on every webhook: one round trip per
 * webhook would double the broker's work); a broker that does not answer gives NaN, which admits (the send itself
 * then fails with 503 if the broker is gone).
 * <p>
 * {@link #queueDepth} never waits for the broker: admission asks it on the HTTP server's event loop, and a query to a
 * broker that is down waits for the connection attempt (2 s and more, the locator's retry of the broker's known
 * topology). Asked there, a broker outage blocked the event loop every second: with the broker stopped under four
 * senders the receiver answered one webhook every 4 s (BrokerRestartIT). The query runs on a thread of its own and
 * the caller gets the last figure.
 */
public final class BrokerManagement implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerManagement.class);
    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long TIMEOUT_MILLIS = 5_000;
    /** Artemis' default {@code management-address} (broker.xml; {@code ActiveMQDefaultConfiguration}). */
    private static final String MANAGEMENT_ADDRESS = "activemq.management";

    private final BrokerLogin broker;
    private final ServerLocator locator;
    private final Map<String, Double> depths = new ConcurrentHashMap<>();
    /** The queues whose depth has been asked: each is asked of the broker again every second. */
    private final Set<String> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "wbxt-broker-depth");
        thread.setDaemon(true);
        return thread;
    });
    private ClientSessionFactory factory;
    private ClientSession session;
    private ClientRequestor requestor;

    private BrokerManagement(BrokerLogin broker) throws Exception {
        this.broker = broker;
        this.locator = broker.locator().setReconnectAttempts(0);
    }

    /**
     * Connects and logs in; a refused login or an unreachable broker stops the start with what is wrong (the user
     * name and the URL, never the password).
     */
    public static BrokerManagement connect(BrokerLogin broker) {
        try {
            BrokerManagement management = new BrokerManagement(broker);
            management.open();
            return management;
        } catch (ActiveMQSecurityException e) {
            throw new IllegalStateException("the broker at " + broker.url() + " refused the login of "
                    + (broker.username().isEmpty() ? "an anonymous client" : "user '" + broker.username() + "'")
                    + ": check broker.username and broker.password (BROKER_USERNAME, BROKER_PASSWORD)");
        } catch (Exception e) {
            throw new IllegalStateException("cannot reach the broker at " + broker.url() + " (broker.url, BROKER_URL): "
                    + e.getMessage());
        }
    }

    private synchronized void open() throws Exception {
        factory = locator.createSessionFactory();
        session = broker.session(factory, true, true);
        requestor = new ClientRequestor(session, MANAGEMENT_ADDRESS);
        session.start();
    }

    /**
     * Messages in the queue (waiting or delivered and not yet acknowledged) as last asked, without waiting: from the
     * first time a queue is asked, it is asked of the broker again every second in the background. NaN before the
     * first answer and while the broker does not answer; 0 when the queue does not exist (yet).
     * <p>
     * Asked again on a schedule, not when a caller finds the figure old: then the first webhook after a quiet minute
     * was judged on the figure of a minute before (MultiInstanceIT's marker after a Webex outage was refused
     * {@code 503 backlog} on the backlog the outage had left, drained since).
     */
    public double queueDepth(String queue) {
        if (watched.add(queue)) {
            try {
                refresher.scheduleWithFixedDelay(() -> depths.put(queue, messageCount(queue)), 0, REFRESH_NANOS,
                        TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException closed) {
                // closed: the service stops
            }
        }
        return depths.getOrDefault(queue, Double.NaN);
    }

    /**
     * Messages in the queue now, asked of the broker (waits for its answer); 0 when the queue does not exist (yet), NaN
     * when the broker does not answer. A core queue query: no manage permission needed.
     */
    public double messageCount(String queue) {
        try {
            return query(queue);
        } catch (Exception e) {
            LOG.debug("Queue depth of {} unknown: {}", queue, e.getMessage());
            return Double.NaN;
        }
    }

    private synchronized long query(String queue) throws Exception {
        connected();
        ClientSession.QueueQuery query = session.queueQuery(SimpleString.of(queue));
        return query.isExists() ? query.getMessageCount() : 0;
    }

    /**
     * Makes the broker mark the first message of a message group it hands to a consumer of {@code queue} with the
     * boolean property {@code key} (Artemis' {@code group-first-key}): the queue is created with it, or updated
     * ({@code ActiveMQServerControl.updateQueue}, which changes only the fields given and stores the queue's new
     * configuration). Needs the {@code manage} permission the service has.
     *
     * @return true when the queue had to be created or changed
     */
    public synchronized boolean markGroupFirst(String queue, String key) throws Exception {
        connected();
        SimpleString name = SimpleString.of(queue);
        SimpleString first = SimpleString.of(key);
        ClientSession.QueueQuery query = session.queueQuery(name);
        if (!query.isExists()) {
            try {
                session.createQueue(CoreMessages.durableQueue(name).setGroupFirstKey(first));
                return true;
            } catch (ActiveMQQueueExistsException createdMeanwhile) {
                query = session.queueQuery(name); // by another instance: changed below if it has no key
            }
        }
        if (first.equals(query.getGroupFirstKey())) {
            return false;
        }
        invoke(ResourceNames.BROKER, "updateQueue", QueueConfiguration.of(name).setGroupFirstKey(first).toJSON());
        return true;
    }

    /** The queues that exist on the broker now; empty when it does not answer. */
    public List<String> queueNames() {
        try {
            Object result = attribute(ResourceNames.BROKER, "queueNames");
            return result instanceof Object[] names ? Arrays.stream(names).map(String::valueOf).toList() : List.of();
        } catch (Exception e) {
            LOG.debug("Queue names unknown: {}", e.getMessage());
            return List.of();
        }
    }

    /** The address settings that apply to that address (the broker's match of its {@code address-setting}s). */
    public AddressSettings addressSettings(String address) throws Exception {
        return AddressSettings.fromJSON((String) invoke(ResourceNames.BROKER, "getAddressSettingsAsJSON", address));
    }

    /** Deletes the address and its queues, their messages with them ({@code ActiveMQServerControl.deleteAddress}). */
    public void deleteAddress(String address) throws Exception {
        invoke(ResourceNames.BROKER, "deleteAddress", address, true);
    }

    private Object attribute(String resource, String attribute) throws Exception {
        ClientMessage request = newRequest();
        ManagementHelper.putAttribute(request, resource, attribute);
        return answer(request);
    }

    private Object invoke(String resource, String operation, Object... arguments) throws Exception {
        ClientMessage request = newRequest();
        ManagementHelper.putOperationInvocation(request, resource, operation, arguments);
        return answer(request);
    }

    private synchronized ClientMessage newRequest() throws Exception {
        connected();
        return session.createMessage(false);
    }

    private synchronized void connected() throws Exception {
        if (session == null || session.isClosed()) {
            disconnect();
            open(); // the broker restarted: ask again on a new connection
        }
    }

    /** One request at a time: a core session is not to be used by two threads at once. */
    private synchronized Object answer(ClientMessage request) throws Exception {
        ClientMessage reply = requestor.request(request, TIMEOUT_MILLIS);
        if (reply == null) {
            throw new IllegalStateException("no answer from the broker's management within " + TIMEOUT_MILLIS + " ms");
        }
        if (!ManagementHelper.hasOperationSucceeded(reply)) {
            throw new IllegalStateException(String.valueOf(ManagementHelper.getResult(reply)));
        }
        return ManagementHelper.getResult(reply);
    }

    @Override
    public synchronized void close() {
        refresher.shutdownNow();
        disconnect();
        locator.close();
    }

    private synchronized void disconnect() {
        try {
            if (requestor != null) {
                requestor.close();
            }
        } catch (Exception e) {
            LOG.debug("Closing the management requestor: {}", e.getMessage());
        }
        if (factory != null) {
            factory.close();
        }
        requestor = null;
        session = null;
        factory = null;
    }
}
