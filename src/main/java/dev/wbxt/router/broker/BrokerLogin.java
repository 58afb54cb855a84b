package dev.wbxt.router.broker;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Where the broker is and who the service logs in as ({@code broker.url}, {@code broker.username},
 * {@code broker.password}): the one place every connection of the service is opened from, the JMS factory and the
 * core clients' sessions (the receiver's store, the room lanes, the management queries, the registrar's lock), so
 * that none of them connects without the credentials. An empty username logs in as nobody (the embedded broker
 * trusts its in-VM clients). The password is never part of {@link #toString()}.
 */
public record BrokerLogin(String url, String username, String password) {

    /** An embedded broker of this JVM ({@link EmbeddedBroker#login()}): in-VM, no login. */
    static BrokerLogin inVm(int serverId) {
        return new BrokerLogin("vm://" + serverId, "", "");
    }

    public boolean external() {
        return !url.startsWith("vm:");
    }

    /** A core client locator for the broker; set its options before the first session. */
    public ServerLocator locator() throws Exception {
        return ActiveMQClient.createServerLocator(url);
    }

    /**
     * A session logged in with the credentials, with the locator's pre-acknowledge and acknowledgement batch, as
     * {@code ClientSessionFactory.createSession(autoCommitSends, autoCommitAcks)} opens it without them.
     */
    public ClientSession session(ClientSessionFactory factory, boolean autoCommitSends, boolean autoCommitAcks)
            throws ActiveMQException {
        ServerLocator locator = factory.getServerLocator();
        return factory.createSession(user(), username.isEmpty() ? null : password, false, autoCommitSends,
                autoCommitAcks, locator.isPreAcknowledge(), locator.getAckBatchSize());
    }

    /** Artemis' JMS connection factory, logging in with the credentials. */
    public ActiveMQConnectionFactory jmsFactory() {
        return username.isEmpty() ? new ActiveMQConnectionFactory(url) : new ActiveMQConnectionFactory(url, username, password);
    }

    private String user() {
        return username.isEmpty() ? null : username;
    }

    @Override
    public String toString() { // never the password
        return url + (username.isEmpty() ? "" : " as " + username);
    }
}
