package dev.wbxt.router.ingest;

import java.util.List;

import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.client.ClientMessage;

/**
 * How {@link GroupCommit} stores one batch: its messages in one broker transaction, committed and synced, or an
 * exception and nothing of the batch kept. Two ways: over a core client session ({@link ClientTransactions}, any
 * broker) and, with the embedded broker, in process ({@link InProcessTransactions}). Used by the batch thread only.
 */
interface BrokerTransactions extends AutoCloseable {

    /**
     * Stores {@code messages} in one transaction and returns once it is on disk.
     *
     * @throws ActiveMQDuplicateIdException one of them was stored before: nothing of the batch is kept
     * @throws Exception                    not stored (the broker refused, could not be reached, or did not confirm)
     */
    void commit(List<ClientMessage> messages) throws Exception;

    /** Lets go of the connection (a transaction not committed is rolled back). */
    @Override
    void close();
}
