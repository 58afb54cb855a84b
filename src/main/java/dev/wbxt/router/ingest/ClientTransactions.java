package dev.wbxt.router.ingest;

import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.wbxt.router.broker.BrokerLogin;
import dev.wbxt.router.broker.CoreMessages;
import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;

/**
 * A batch in one transaction of a core client session, for any broker. Read in Artemis 2.44.0:
 * <ul>
 * <li>Stored: {@code ClientSession.commit()} returned. The broker answers the commit from
 *     {@code ServerSessionPacketHandler.sendResponse}, deferred by {@code afterCompleteOperations} until the
 *     transaction's records (the messages, their duplicate ids, the commit record) are synced.</li>
 * <li>Not stored: the commit (or a send before it) threw, or the connection was lost. The broker rolls back a
 *     transaction whose commit it did not finish. A commit that the broker finished but whose answer was lost with
 *     the connection fails too (Webex delivers again and the duplicate id drops the copy).</li>
 * <li>A duplicate: the broker refuses a duplicate id inside a transaction by marking the whole transaction
 *     rollback-only ({@code PostOfficeImpl.checkNotBridgeDuplicateID}), so the commit throws
 *     {@link ActiveMQDuplicateIdException}.</li>
 * </ul>
 * Sends in the transaction do not wait for an answer (no confirmation window, {@code blockOnDurableSend} off): the
 * commit's answer covers them. A lost connection is not reconnected in place: the next batch opens a new one, at
 * most once a second while the broker cannot be reached (the batches in between fail at once: 503).
 */
final class ClientTransactions implements BrokerTransactions {
    private static final long RETRY_CONNECT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long RETRY_INTERVAL_MILLIS = 50;

    private final BrokerLogin broker;
    private final SimpleString address;
    private ServerLocator locator;
    private ClientSessionFactory factory;
    private ClientSession session;
    private ClientProducer producer;
    private long lastConnectFailure = System.nanoTime() - RETRY_CONNECT_NANOS;
    private Exception connectFailure;

    ClientTransactions(BrokerLogin broker, SimpleString address) {
        this.broker = broker;
        this.address = address;
    }

    @Override
    public void commit(List<ClientMessage> messages) throws Exception {
        connect();
        try {
            for (ClientMessage m : messages) {
                producer.send(m);
            }
            session.commit();
        } catch (Exception e) {
            if (session == null || session.isClosed() || broken(e)) { // a duplicate (DUPLICATE_ID) keeps the session
                close();
            }
            throw e;
        }
    }

    private static boolean broken(Exception e) {
        return e instanceof ActiveMQException amq && switch (amq.getType()) {
            case NOT_CONNECTED, CONNECTION_TIMEDOUT, DISCONNECTED, OBJECT_CLOSED, SESSION_CREATION_REJECTED -> true;
            default -> false;
        };
    }

    private void connect() throws Exception {
        if (session != null && !session.isClosed()) {
            return;
        }
        close();
        if (connectFailure != null && System.nanoTime() - lastConnectFailure < RETRY_CONNECT_NANOS) {
            throw connectFailure;
        }
        try {
            locator = broker.locator()
                    .setConfirmationWindowSize(-1) // no answer per send: the commit's answer covers the batch
                    .setBlockOnDurableSend(false)
                    .setProducerWindowSize(-1)
                    .setReconnectAttempts(0) // a lost connection fails its batch (503); the next one reconnects
                    // A refused attempt tries the broker's known topology once more after the retry interval: at
                    // Artemis' 2 s, every webhook of a broker outage waited 2 s for its 503 (BrokerRestartIT).
                    .setRetryInterval(RETRY_INTERVAL_MILLIS);
            factory = locator.createSessionFactory();
            session = broker.session(factory, false, true); // sends in a transaction, committed per batch
            CoreMessages.ensureQueue(session, address);
            producer = session.createProducer(address);
            connectFailure = null;
        } catch (Exception e) {
            close();
            connectFailure = e;
            lastConnectFailure = System.nanoTime();
            throw e;
        }
    }

    @Override
    public void close() {
        if (factory != null) {
            factory.close(); // closes the session: a transaction not committed is rolled back by the broker
        }
        if (locator != null) {
            locator.close();
        }
        factory = null;
        locator = null;
        session = null;
        producer = null;
    }
}
