package dev.wbxt.router.broker;

import java.util.Map;

import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * DOWN when the service holds no session on the broker and cannot open one now: the receiver could not store anything
 * then. The check keeps a core session of its own (logged in, as every connection of the service): while it is open
 * the check costs nothing, and a broker that stops or dies closes it (the connection's failure, or its TTL when a
 * host vanishes). Only then does a check try to connect again, once, and come back at once when the broker refuses.
 * <p>
 * It used to open a connection through the service's shared JMS factory: while the broker was down every such attempt
 * waited the locator's retry interval (2 s, {@code ServerLocatorImpl.createSessionFactory} retries the broker's known
 * topology once) behind the factory's lock, which the forward sends and the listener containers were queued on
 * too: {@code /observe/health/ready} took 2.3 s on an idle machine and more than 5 s under load (BrokerRestartIT),
 * so a probe saw no answer instead of DOWN.
 */
public class BrokerHealthCheck extends AbstractHealthCheck {
    /** The wait before the topology retry of a failed connection attempt (Artemis' default: 2 s). */
    private static final long RETRY_INTERVAL_MILLIS = 50;
    /** How long a connected check waits for the broker's answer to its session, at most. */
    private static final long CALL_TIMEOUT_MILLIS = 5_000;

    private final BrokerLogin broker;
    private ServerLocator locator;
    private ClientSessionFactory factory;
    private ClientSession session;

    public BrokerHealthCheck(BrokerLogin broker) {
        super("wbxt", "broker");
        this.broker = broker;
    }

    @Override
    protected synchronized void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            if (session == null || session.isClosed()) {
                close();
                locator = broker.locator().setReconnectAttempts(0).setRetryInterval(RETRY_INTERVAL_MILLIS)
                        .setCallTimeout(CALL_TIMEOUT_MILLIS);
                factory = locator.createSessionFactory();
                session = broker.session(factory, true, true);
            }
            builder.up();
        } catch (Exception e) {
            close();
            builder.message("broker unreachable: " + e.getMessage()).down();
        }
    }

    /** Closes the check's connection (at the stop of the service, or before it connects again). */
    public synchronized void close() {
        if (factory != null) {
            factory.close();
        }
        if (locator != null) {
            locator.close();
        }
        session = null;
        factory = null;
        locator = null;
    }
}
