package dev.wbxt.router.broker;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMAcceptorFactory;
import org.apache.activemq.artemis.core.postoffice.Bindings;
import org.apache.activemq.artemis.core.postoffice.impl.LocalQueueBinding;
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
    private final Path dataDir;
    private final int duplicateCacheSize;
    private final long queueMemoryBytes;
    private final ExternalAccess external;
    private volatile EmbeddedActiveMQ broker;
    private volatile CompletableFuture<Void> starting = CompletableFuture.completedFuture(null);
    private final Map<String, Queue> queues = new ConcurrentHashMap<>();

    /**
     * @param queueMemoryMb how much of each queue is held in memory; beyond it, messages are paged to disk
     * @param external the network acceptor for topic subscribers ({@code broker.external.*}); null: in-VM only
     */
    public EmbeddedBroker(Path dataDir, int duplicateCacheSize, int queueMemoryMb, ExternalAccess external) {
        this.dataDir = dataDir.resolve("broker");
        this.duplicateCacheSize = duplicateCacheSize;
        this.queueMemoryBytes = queueMemoryMb * 1024L * 1024L;
        this.external = external;
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
                .setJournalDirectory(dataDir.resolve("journal").toString())
                .setBindingsDirectory(dataDir.resolve("bindings").toString())
                .setPagingDirectory(dataDir.resolve("paging").toString())
                .setLargeMessagesDirectory(dataDir.resolve("large-messages").toString())
                .setIDCacheSize(duplicateCacheSize)
                .setPersistIDCache(true)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .addAcceptorConfiguration(new TransportConfiguration(InVMAcceptorFactory.class.getName()));
        // A rolled-back event goes straight back to the head of its queue: a broker-side redelivery delay would let
        // the room's next events overtake it. The consumer waits before rolling back instead (processing.Retries),
        // and takes the dead-letter decision itself, with the reason, so the broker never gives up on its own.
        // A backlog beyond queueMemoryBytes per queue is paged to DATA_DIR/broker/paging (as durable, read back in
        // order): the heap stays bounded (a 30,000-event backlog otherwise filled a 256 MB heap, full GCs back to back).
        cfg.addAddressSetting("#", new AddressSettings()
                .setMaxSizeBytes(queueMemoryBytes)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
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
        server.start();
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
