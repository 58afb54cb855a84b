package dev.wbxt.router.ingest;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.wbxt.router.broker.CoreMessages;
import dev.wbxt.router.broker.EmbeddedBroker;
import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.ActiveMQIOErrorException;
import org.apache.activemq.artemis.api.core.ActiveMQNotConnectedException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.persistence.impl.journal.LargeServerMessageImpl;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.core.transaction.impl.TransactionImpl;

/**
 * A batch in one transaction of the embedded broker, called in process: what the broker's session does with a
 * client's sends and commit ({@code ServerSessionImpl.send}: a new message id, the large-message check, then
 * {@code PostOffice.route} into the transaction; {@code commit}; the answer deferred by
 * {@code StorageManager.afterCompleteOperations} until the transaction's records are synced), without the in-VM
 * connection. Over it, a commit went through seven threads: the batch thread, the in-VM connector's executor, the
 * session's executor, the journal's (write, sync), the I/O callback executor, the in-VM connector back, the batch
 * thread; here, the batch thread, the journal's and the callback's. Measured with {@code bench/lib/StoreProbe} at
 * 100 commits/s of one event, alternating: p50 0.65-1.05 against 0.96-1.02 ms, p99 1.7-2.2 against 2.5-3.2; in the
 * service at 1,000 webhooks/s the 2xx's median 0.45-0.6 ms shorter, the broker's threads 80-150 µs per event cheaper
 * (BENCHMARKS.md "The store in process").
 * <p>
 * The same outcomes as {@link ClientTransactions}: the duplicate id is checked by the same {@code PostOffice.route}
 * with {@code rejectDuplicates}, which marks the transaction rollback-only, so {@code commit} throws
 * {@link ActiveMQDuplicateIdException}; a batch that was not synced within the core client's call timeout fails
 * (stored or not: the duplicate id drops Webex's next copy), as a commit's answer that does not come does there.
 */
final class InProcessTransactions implements BrokerTransactions {
    /** As long as a client's commit waits for its answer (the locator's default call timeout). */
    private static final long SYNC_TIMEOUT_MILLIS = ActiveMQClient.DEFAULT_CALL_TIMEOUT;

    private final EmbeddedBroker broker;
    private final SimpleString address;
    private ActiveMQServer queueOf; // the server the queue was made sure of

    InProcessTransactions(EmbeddedBroker broker, SimpleString address) {
        this.broker = broker;
        this.address = address;
    }

    @Override
    public void commit(List<ClientMessage> messages) throws Exception {
        ActiveMQServer server = broker.server();
        if (server == null || !server.isActive()) {
            throw new ActiveMQNotConnectedException("the embedded broker is not running");
        }
        if (queueOf != server) {
            server.createQueue(CoreMessages.durableQueue(address), true); // ignoreIfExists: one that exists stays as it is
            queueOf = server;
        }
        StorageManager storage = server.getStorageManager();
        Transaction tx = new TransactionImpl(storage);
        try {
            for (ClientMessage m : messages) {
                Message stored = LargeServerMessageImpl.checkLargeMessage(serverCopy(m, storage.generateID()), storage);
                if (server.getPostOffice().route(stored, tx, false, true) == RoutingStatus.NO_BINDINGS) {
                    queueOf = null; // deleted meanwhile: made again for the next batch; this one is not stored
                    throw new ActiveMQNotConnectedException("no queue " + address + " on the embedded broker");
                }
            }
            tx.commit(); // throws a duplicate's exception: the transaction was marked rollback-only
        } catch (Exception e) {
            if (tx.getState() == Transaction.State.ACTIVE || tx.getState() == Transaction.State.ROLLBACK_ONLY) {
                tx.rollback();
            }
            throw e;
        }
        synced(storage);
    }

    /** Returns when what this thread wrote is on disk (the commit record last). */
    private static void synced(StorageManager storage) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        storage.afterCompleteOperations(new IOCallback() {
            @Override
            public void done() {
                done.complete(null);
            }

            @Override
            public void onError(int errorCode, String errorMessage) {
                done.completeExceptionally(new ActiveMQIOErrorException(errorMessage));
            }
        });
        try {
            done.get(SYNC_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new ActiveMQNotConnectedException("the embedded broker did not sync a commit in "
                    + SYNC_TIMEOUT_MILLIS + " ms");
        }
    }

    /** The broker's own copy of a message built for a client: a message id of the broker, the address. */
    private Message serverCopy(ClientMessage m, long id) {
        ((CoreMessage) m).getProperties();
        m.getEncodeSize(); // encoded: the copy takes its buffer
        return new ServerCopy((CoreMessage) m).setMessageID(id).setAddress(address);
    }

    /** {@code CoreMessage}'s copy constructor is protected; {@code ClientMessageImpl.copy()} would stay a client's. */
    private static final class ServerCopy extends CoreMessage {
        ServerCopy(CoreMessage m) {
            super(m);
        }
    }

    @Override
    public void close() {
        // nothing held between batches
    }
}
