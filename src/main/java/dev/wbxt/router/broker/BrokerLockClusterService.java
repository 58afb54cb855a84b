package dev.wbxt.router.broker;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.client.SessionFailureListener;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Camel cluster service ({@code master:}) whose leadership is a lock held on the shared broker, for instances that
 * share a broker but no disk ({@code webhooks.cluster=broker}). Each namespace has a durable queue
 * {@code wbxt.lock.<namespace>} holding one token message, sent once with a fixed duplicate id (the broker's
 * persisted duplicate-id cache drops every later copy). Every instance consumes that queue and never acknowledges:
 * the one the broker hands the token to is the leader for as long as its connection lives. When that instance
 * stops or dies, the broker takes the unacknowledged token back and hands it to another consumer: at once when the
 * process is gone and its TCP connection closed (kill -9 on a live host), after the connection TTL (60 s) when its
 * host vanished. Each return of the token is a delivery: the broker must not cap {@code wbxt.#} deliveries
 * (max-delivery-attempts -1, checked at start by {@link BrokerSettingsCheck}).
 * <p>
 * An instance that loses its connection gives up leadership at once and tries to take part again every
 * {@code retryMillis}.
 */
public final class BrokerLockClusterService extends AbstractCamelClusterService<BrokerLockClusterService.View> {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerLockClusterService.class);
    public static final String QUEUE_PREFIX = "wbxt.lock.";

    private final BrokerLogin broker;
    private final long retryMillis;

    public BrokerLockClusterService(BrokerLogin broker, long retryMillis) {
        this.broker = broker;
        this.retryMillis = retryMillis;
        setId("wbxt-broker-lock");
    }

    @Override
    protected View createView(String namespace) {
        return new View(namespace);
    }

    /** One namespace's lock: its queue, this instance's consumer, and whether it holds the token. */
    final class View extends AbstractCamelClusterView implements SessionFailureListener {
        private final Member local = new Member(UUID.randomUUID().toString());
        private final SimpleString queue;
        private ScheduledExecutorService joiner;
        private ServerLocator locator;
        private volatile ClientSessionFactory factory;
        private volatile boolean leader;

        View(String namespace) {
            super(BrokerLockClusterService.this, namespace);
            this.queue = SimpleString.of(QUEUE_PREFIX + namespace);
        }

        @Override
        protected void doStart() throws Exception {
            locator = broker.locator().setReconnectAttempts(0); // a lost connection is a lost lock: join afresh
            joiner = getCamelContext().getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "wbxt-broker-lock");
            joiner.scheduleWithFixedDelay(this::join, 0, retryMillis, TimeUnit.MILLISECONDS);
        }

        /** Connects and waits for the token, unless connected already. */
        private synchronized void join() {
            if (factory != null && !factory.isClosed()) {
                return;
            }
            ClientSessionFactory opened = null;
            try {
                opened = locator.createSessionFactory();
                ClientSession session = broker.session(opened, true, true);
                if (!session.queueQuery(queue).isExists()) {
                    try {
                        session.createQueue(CoreMessages.durableQueue(queue));
                    } catch (ActiveMQException createdMeanwhile) {
                        // by another instance
                    }
                }
                try (ClientProducer producer = session.createProducer(queue)) {
                    ClientMessage token = session.createMessage(true);
                    token.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, queue + ":token");
                    producer.send(token); // dropped by the broker unless this is the very first one
                }
                session.addFailureListener(this);
                session.createConsumer(queue).setMessageHandler(token -> took());
                session.start();
                factory = opened;
                LOG.debug("Waiting for the lock {} on {}", queue, broker);
            } catch (Exception e) {
                if (opened != null) {
                    opened.close();
                }
                LOG.warn("Could not take part in the election for {} on {}: {}; trying again in {} ms", queue, broker,
                        e.getMessage(), retryMillis);
            }
        }

        private void took() {
            leader = true;
            LOG.info("Holding the lock {}: this instance leads {}", queue, getNamespace());
            fireLeadershipChangedEvent(local);
        }

        @Override
        public void connectionFailed(ActiveMQException exception, boolean failedOver) {
            lost("the connection to the broker failed: " + exception.getMessage());
            try {
                joiner.execute(this::disconnect); // not on the client's failure thread; the next join connects afresh
            } catch (RejectedExecutionException stopping) {
                // doStop closes the connection
            }
        }

        private synchronized void disconnect() {
            if (factory != null) {
                factory.close();
                factory = null;
            }
        }

        @Override
        public void connectionFailed(ActiveMQException exception, boolean failedOver, String scaleDownTargetNodeID) {
            connectionFailed(exception, failedOver);
        }

        @Override
        public void beforeReconnect(ActiveMQException exception) {
        }

        private void lost(String why) {
            if (leader) {
                leader = false;
                LOG.warn("Lost the lock {}: {}", queue, why);
                fireLeadershipChangedEvent(Optional.empty());
            }
        }

        @Override
        protected synchronized void doStop() {
            if (joiner != null) {
                getCamelContext().getExecutorServiceManager().shutdownNow(joiner);
            }
            lost("stopping");
            disconnect(); // the token goes back to the broker, and on to another instance
            if (locator != null) {
                locator.close();
            }
        }

        @Override
        public Optional<CamelClusterMember> getLeader() {
            return leader ? Optional.of(local) : Optional.empty(); // another instance's identity is not known here
        }

        @Override
        public CamelClusterMember getLocalMember() {
            return local;
        }

        @Override
        public List<CamelClusterMember> getMembers() {
            return List.of(local);
        }

        private final class Member implements CamelClusterMember {
            private final String id;

            Member(String id) {
                this.id = id;
            }

            @Override
            public boolean isLeader() {
                return leader;
            }

            @Override
            public boolean isLocal() {
                return true;
            }

            @Override
            public String getId() {
                return id;
            }
        }
    }
}
