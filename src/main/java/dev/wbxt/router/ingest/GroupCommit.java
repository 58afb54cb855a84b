package dev.wbxt.router.ingest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores events by batch: one thread takes every event handed to it since its last commit (at most
 * {@code maxBatch} events and {@code maxBatchBytes} of bodies), stores them in one broker transaction
 * ({@link BrokerTransactions}: in process with the embedded broker, over a core session otherwise) and tells each
 * member: one journal sync for the whole batch, where each event used to be a durable send of its own (its own
 * broker transaction, commit record and answer). The batch is as long as the previous commit took: one event when
 * webhooks are rare (the same latency as before), dozens under a burst. No timer, no wait for a batch to fill.
 * <p>
 * What a member is told:
 * <ul>
 * <li>Stored: its batch's transaction is committed and synced.</li>
 * <li>Not stored: the transaction failed, or was not confirmed: every member of the batch fails, none gets its
 *     2xx (never a 2xx for a batch that was not confirmed).</li>
 * <li>A duplicate: the broker refuses a duplicate id inside a transaction by refusing the whole transaction
 *     ({@link ActiveMQDuplicateIdException}), and nothing of the batch is kept. The batch is then stored again one
 *     event per transaction: the duplicate's own commit throws again (it was stored before: its 2xx, as ever), the
 *     others are stored. Two copies of one event within a batch (the websocket and a webhook of the same message)
 *     are sent once: the second is answered with the first.</li>
 * </ul>
 */
final class GroupCommit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    /** One event to store and what to tell when it is, or is not. */
    interface Member {
        ClientMessage message();

        /** The duplicate id, or null: two members with the same one in a batch are stored once. */
        String duplicateId();

        int bodyBytes();

        void stored();

        void failed(Exception e);
    }

    private final BrokerTransactions transactions;
    private final int maxBatch;
    private final int maxBatchBytes;
    private final IntConsumer batchSizes;
    private final LinkedBlockingQueue<Member> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param transactions how a batch is stored, used by the batch thread only (closed when it ends)
     * @param queue        the queue's name (the batch thread is {@code wbxt-store-<queue>})
     * @param batchSizes   told the size of each batch stored (a metric)
     */
    GroupCommit(BrokerTransactions transactions, String queue, int maxBatch, int maxBatchBytes, IntConsumer batchSizes) {
        this.transactions = transactions;
        this.maxBatch = maxBatch;
        this.maxBatchBytes = maxBatchBytes;
        this.batchSizes = batchSizes;
        this.thread = new Thread(this::run, "wbxt-store-" + queue);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Stores {@code member} with the next batch; it is told the outcome on the batch thread. */
    void store(Member member) {
        synchronized (queue) { // against close(): a member is either queued before the last batches, or refused
            if (running) {
                queue.add(member);
                return;
            }
        }
        member.failed(new IllegalStateException("the store is stopping"));
    }

    private void run() {
        List<Member> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Member first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                int bytes = first.bodyBytes();
                while (batch.size() < maxBatch && bytes < maxBatchBytes) {
                    Member next = queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    bytes += next.bodyBytes();
                }
                storeBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Throwable unexpected) {
                LOG.error("Storing a batch of {} event(s) failed unexpectedly", batch.size(), unexpected);
                failAll(batch, unexpected instanceof Exception e ? e : new IllegalStateException(unexpected));
            } finally {
                batch.clear();
            }
        }
        Exception stopped = new IllegalStateException("the store has stopped");
        for (Member left; (left = queue.poll()) != null; ) {
            left.failed(stopped);
        }
        transactions.close();
    }

    private void storeBatch(List<Member> batch) {
        // A second copy of an event in the same batch rides on the first: the broker would store both (a duplicate
        // id enters its cache only once the transaction that carries it is stored: tx.afterStore in Artemis'
        // InMemoryDuplicateIDCache).
        List<Member> distinct = new ArrayList<>(batch.size());
        Map<String, List<Member>> riders = null;
        Map<String, Member> seen = batch.size() > 1 ? new HashMap<>() : null;
        for (Member m : batch) {
            String id = m.duplicateId();
            if (seen != null && id != null && seen.putIfAbsent(id, m) != null) {
                if (riders == null) {
                    riders = new HashMap<>();
                }
                riders.computeIfAbsent(id, k -> new ArrayList<>()).add(m);
            } else {
                distinct.add(m);
            }
        }
        try {
            List<ClientMessage> messages = new ArrayList<>(distinct.size());
            for (Member m : distinct) {
                messages.add(m.message());
            }
            transactions.commit(messages);
            batchSizes.accept(distinct.size());
            for (Member m : batch) {
                m.stored();
            }
        } catch (ActiveMQDuplicateIdException duplicate) {
            oneByOne(distinct, riders);
        } catch (Exception e) {
            failAll(batch, e);
        }
    }

    /** The batch had an event stored before: each in a transaction of its own, a duplicate counted as stored. */
    private void oneByOne(List<Member> distinct, Map<String, List<Member>> riders) {
        for (Member m : distinct) {
            Exception failure = null;
            try {
                transactions.commit(List.of(m.message()));
                batchSizes.accept(1);
            } catch (ActiveMQDuplicateIdException storedBefore) {
                LOG.debug("Event {} was stored before: not stored again", m.duplicateId());
            } catch (Exception e) {
                failure = e;
            }
            List<Member> told = new ArrayList<>(2);
            told.add(m);
            if (riders != null) {
                told.addAll(riders.getOrDefault(m.duplicateId(), List.of()));
            }
            for (Member each : told) {
                if (failure == null) {
                    each.stored();
                } else {
                    each.failed(failure);
                }
            }
        }
    }

    private void failAll(List<Member> batch, Exception e) {
        for (Member m : batch) {
            m.failed(e);
        }
    }

    /** Stores what was handed over already, then closes the connection. */
    @Override
    public void close() throws InterruptedException {
        synchronized (queue) {
            running = false;
        }
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }
}
