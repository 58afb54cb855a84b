package dev.wbxt.router.broker;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMAcceptorFactory;
import org.apache.activemq.artemis.core.remoting.impl.invm.TransportConstants;
import org.apache.activemq.artemis.core.postoffice.Bindings;
import org.apache.activemq.artemis.core.postoffice.impl.LocalQueueBinding;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The durable hand-off between the webhook receiver and the processing routes: an in-VM Artemis broker whose
 * journal lives under {@code DATA_DIR/broker}. A message the receiver has sent is on disk before the 2xx goes out.
 * <p>
 * Opening the journal takes about 1.5 s, a third of the service's start: {@link #start()} begins it on a thread of
 * its own and returns, so that Camel builds the routes meanwhile; {@link #awaitStarted()} is called before any route
 * starts, and reports a broker that could not start.
 */
public class EmbeddedBroker extends ServiceSupport {
    /** The size of one page file of a paged queue. */
    private static final int PAGE_BYTES = 1024 * 1024;
    private final Path dataDir;
    private final int duplicateCacheSize;
    private final long queueMemoryBytes;
    private final ExternalAccess external;
    private final String journalBufferTimeoutUs;
    private volatile EmbeddedActiveMQ broker;
    private volatile CompletableFuture<Void> starting = CompletableFuture.completedFuture(null);
    private final Map<String, Queue> queues = new ConcurrentHashMap<>();
    private final long minDiskFreeBytes;
    private final Consumer<String> failedForGood;
    /**
     * In-VM server ids, one per broker of the JVM: with the same id (Artemis' default, 0) a second embedded broker in
     * one JVM (tests, a replay beside a running service) fails to open its acceptor ("AMQ229062: Acceptor with id 0
     * already registered") and the second service's clients silently use the first one's queues.
     */
    private static final AtomicInteger IN_VM_IDS = new AtomicInteger();
    private final int inVmId = IN_VM_IDS.getAndIncrement();

    /**
     * @param queueMemoryMb how much of each queue is held in memory; beyond it, messages are paged to disk
     * @param external the network acceptor for topic subscribers ({@code broker.external.*}); null: in-VM only
     * @param journalBufferTimeoutUs {@code broker.journal-buffer-timeout-us}; empty: matched to the disk
     *                               ({@link JournalBufferTimeout})
     * @param minDiskFreeBytes free disk under which the broker stops taking messages: below the receiver's own
     *                         threshold ({@code ingest.min-free-disk-mb}), so webhooks are refused first
     * @param failedForGood    told why, when the broker has stopped itself after a critical I/O error (a write that
     *                         failed, e.g. on a full disk: Artemis stops the broker then, for good)
     */
    public EmbeddedBroker(Path dataDir, int duplicateCacheSize, int queueMemoryMb, ExternalAccess external,
                          String journalBufferTimeoutUs, long minDiskFreeBytes, Consumer<String> failedForGood) {
        this.dataDir = dataDir.resolve("broker");
        this.duplicateCacheSize = duplicateCacheSize;
        this.queueMemoryBytes = queueMemoryMb * 1024L * 1024L;
        this.external = external;
        this.journalBufferTimeoutUs = journalBufferTimeoutUs;
        this.minDiskFreeBytes = minDiskFreeBytes;
        this.failedForGood = failedForGood;
    }

    /** The running broker, for the receiver's store in process ({@code InProcessTransactions}); null before it starts. */
    public ActiveMQServer server() {
        EmbeddedActiveMQ running = broker;
        return running == null ? null : running.getActiveMQServer();
    }

    /** How the service's clients reach this broker: in-VM, no login. */
    public BrokerLogin login() {
        return BrokerLogin.inVm(inVmId);
    }

    public boolean isActive() {
        return broker != null && broker.getActiveMQServer() != null && broker.getActiveMQServer().isActive();
    }

    /** The names of the queues that exist now. */
    public List<String> queueNames() {
        return broker == null ? List.of() : broker.getActiveMQServer().getPostOffice().getAllBindings()
                .filter(b -> b instanceof LocalQueueBinding).map(b -> b.getUniqueName().toString()).toList();
    }

    /**
     * Whether a message sent to that address now would reach anyone: a queue is bound to it (a subscription of a
     * topic, durable or not, its consumer connected or not). A message to an address without one is dropped.
     */
    public boolean hasSubscribers(String address) {
        if (broker == null) {
            return true;
        }
        try {
            Bindings bindings = broker.getActiveMQServer().getPostOffice()
                    .lookupBindingsForAddress(addresses.computeIfAbsent(address, SimpleString::of));
            return bindings != null && bindings.size() > 0;
        } catch (Exception e) {
            return true; // cannot tell: send, as before
        }
    }

    private final Map<String, SimpleString> addresses = new ConcurrentHashMap<>();

    /** Messages waiting in (or delivered and not yet acknowledged from) that queue; 0 when it does not exist. */
    public long messageCount(String queue) {
        if (broker == null) {
            return 0;
        }
        // Asked on every webhook (backpressure): look the queue up once, not through the post office each time.
        Queue q = queues.computeIfAbsent(queue, name -> broker.getActiveMQServer().locateQueue(name));
        if (q == null) {
            queues.remove(queue);
            return 0;
        }
        return q.getMessageCount();
    }

    /** Deletes the address and its queues, their messages with them (a queue of the service's own, used once). */
    public void deleteAddress(String address) throws Exception {
        if (broker != null) {
            broker.getActiveMQServer().removeAddressInfo(SimpleString.of(address), null, true);
        }
    }

    @Override
    protected void doStart() {
        starting = CompletableFuture.runAsync(() -> {
            try {
                open();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, task -> new Thread(task, "wbxt-broker-start").start());
    }

    /** Waits until the broker has opened its journal; throws what stopped it from starting. */
    public void awaitStarted() throws Exception {
        try {
            starting.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private void open() throws Exception {
        Configuration cfg = new ConfigurationImpl()
                .setName("wbxt-broker")
                .setPersistenceEnabled(true)
                .setJournalType(JournalType.NIO) // no libaio needed
                // Synced as often as the disk can sync, instead of every 3.33 ms (see JournalBufferTimeout).
                .setJournalBufferTimeout_NIO(JournalBufferTimeout.resolve(dataDir, journalBufferTimeoutUs))
                // A burst of 10,000 events/s appends ~15 MB/s (the ~1.3 KB message record, then its delete): the
                // default 10 MiB file is full in under a second, and each switch writes and syncs a new file's
                // header. 32 MiB files switch 3x less often; the 2 files made at the first start hold ~4 s of such
                // a burst, and further files are created in the background and reused once their events are done.
                .setJournalFileSize(32 * 1024 * 1024)
                .setJournalMinFiles(2)
                .setJournalDirectory(dataDir.resolve("journal").toString())
                .setBindingsDirectory(dataDir.resolve("bindings").toString())
                .setPagingDirectory(dataDir.resolve("paging").toString())
                .setLargeMessagesDirectory(dataDir.resolve("large-messages").toString())
                .setIDCacheSize(duplicateCacheSize)
                .setPersistIDCache(true)
                .setSecurityEnabled(false)
                // Artemis' default blocks every producer once the disk is 90 % used, however large it is: on a
                // 252 GB disk with 26 GB free (seen in CI) the dead-letter sends blocked, their events were never
                // answered, while the receiver, whose own rule is a free-space figure, went on accepting webhooks.
                // One rule instead, in bytes: the receiver answers 503 below ingest.min-free-disk-mb, the broker
                // stops only below half of that, for what is already accepted.
                .setMaxDiskUsage(-1)
                .setMinDiskFree(minDiskFreeBytes)
                // The events' consumer (rooms:) retries an event in memory, and counts its attempts from the broker's
                // delivery count: persisted before each delivery, that count goes up with every restart an event
                // was in flight at, so an event that crashes the service is dead-lettered in the end instead of
                // crashing it again and again. Without it the count is written only when an event is handed back.
                // Cost: one small journal update (no sync) per delivery.
                .setPersistDeliveryCountBeforeDelivery(true)
                .setJMXManagementEnabled(false)
                .addAcceptorConfiguration(new TransportConfiguration(InVMAcceptorFactory.class.getName(),
                        Map.of(TransportConstants.SERVER_ID_PROP_NAME, inVmId)));
        // A rolled-back event goes straight back to the head of its queue: a broker-side redelivery delay would let
        // the room's next events overtake it. The consumer waits before rolling back instead (processing.Retries),
        // and takes the dead-letter decision itself, with the reason, so the broker never gives up on its own.
        // A backlog beyond queueMemoryBytes per queue is paged to DATA_DIR/broker/paging (as durable, read back in
        // order): the heap stays bounded (a 30,000-event backlog otherwise filled a 256 MB heap, full GCs back to back).
        // Queues are never deleted on their own: an auto-created queue is deleted when it has neither messages nor
        // consumers, and a send to its address in between is acknowledged and routed nowhere (the receiver creates
        // the queue once per connection, as the JMS client does, and would not notice).
        cfg.addAddressSetting("#", new AddressSettings()
                .setAutoDeleteQueues(false)
                .setAutoDeleteAddresses(false)
                .setMaxSizeBytes(queueMemoryBytes)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                // What a paged backlog holds in memory besides queueMemoryBytes: Artemis reads pages ahead up to
                // max-read-page-bytes (default twice the page size) and caches page-cache-max-size pages (default 5 of
                // 10 MB). With those defaults and a 256 MB heap, a 50,000-event backlog of the benchmark filled the
                // heap: 31 full collections of 210 ms each in 54 s (JFR), the receiver stalled by each. Pages of 1 MB,
                // two cached, 4 MB read ahead: the lanes hold at most processing.max-in-flight events anyway.
                .setPageSizeBytes(PAGE_BYTES)
                .setPageCacheMaxSize(2)
                .setMaxReadPageBytes(4 * PAGE_BYTES)
                .setPrefetchPageBytes(4 * PAGE_BYTES)
                .setMaxDeliveryAttempts(-1)
                .setRedeliveryDelay(0)
                .setDeadLetterAddress(SimpleString.of("wbxt.broker.dlq"))
                .setExpiryAddress(SimpleString.of("wbxt.broker.expired")));
        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        if (external != null) {
            external.apply(cfg);
            server.setSecurityManager(external.securityManager());
        }
        server.setConfiguration(cfg);
        EmptyPageFolders.removeIn(dataDir.resolve("paging")); // a full disk's leftovers, see there
        server.start();
        // Measured (DiskFullTest, a full tmpfs as DATA_DIR): a page file that cannot be written is a critical I/O error
        // (AMQ222010), after which the broker has stopped for good, with the rest of the service up and unready.
        server.getActiveMQServer().registerIOCriticalErrorListener((cause, message, file) -> failedForGood.accept(
                "the embedded broker stopped on an I/O error under " + dataDir + " ("
                        + (cause == null || cause.getMessage() == null ? message : cause.getMessage())
                        + (file == null ? "" : ", " + file) + ")"));
        broker = server;
    }

    @Override
    protected void doStop() throws Exception {
        try {
            starting.join(); // a stop during the start stops what was started
        } catch (CompletionException notStarted) {
            // nothing to stop
        }
        if (broker != null) {
            broker.stop();
            queues.clear();
            broker = null;
        }
    }
}
