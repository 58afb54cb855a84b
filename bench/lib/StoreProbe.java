import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.wbxt.router.broker.CoreMessages;
import dev.wbxt.router.broker.EmbeddedBroker;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.SendAcknowledgementHandler;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.HdrHistogram.Histogram;

/**
 * The embedded broker's CPU per event for each way of storing and acknowledging events, measured alone (no HTTP,
 * no Camel): one producer thread stores events shaped as the receiver stores them (1 KB text, the Wbxt* properties,
 * a duplicate id, the room as the group), one consumer acknowledges each as the room lanes do. CPU is the whole
 * process's (/proc/self/stat), after a warm-up, divided by the events stored and acknowledged.
 * <p>
 * Usage: java -cp webex-event-router.jar:classes StoreProbe send=auto|tx:N ack=auto|tx:N [events=N] [warm=N] [rate=R]
 * <ul>
 * <li>send=auto: each send its own durable send with a confirmation handler (at most 1024 awaiting), as the
 * receiver stored events before batching; send=tx:N: N sends in one transaction, one blocking commit.</li>
 * <li>ack=auto: one individual acknowledgement per event, no session transaction; ack=tx:N: N individual
 * acknowledgements in one transaction, one blocking commit.</li>
 * <li>rate=R (with send=tx:1): R events a second, each its own transaction, and the latency of each commit from the
 * time it was due (as {@code FixedRate} measures a webhook's 2xx): the broker's own share of an ack's latency, with
 * the consumer acknowledging as {@code ack} says meanwhile.</li>
 * </ul>
 * Prints one line "PROBEJSON {...}".
 */
public class StoreProbe {
    public static void main(String[] args) throws Exception {
        String send = arg(args, "send", "auto");
        String ack = arg(args, "ack", "auto");
        int events = Integer.parseInt(arg(args, "events", "200000"));
        int warm = Integer.parseInt(arg(args, "warm", "100000"));
        Path dir = Files.createTempDirectory("wbxt-probe");
        EmbeddedBroker broker = new EmbeddedBroker(dir, 100_000, 32, null, "", 256L << 20, System.err::println);
        broker.start();
        broker.awaitStarted();
        SimpleString queue = SimpleString.of("wbxt.events");
        ServerLocator locator = ActiveMQClient.createServerLocator(broker.login().url())
                .setConfirmationWindowSize(1024 * 1024).setBlockOnDurableSend(false).setProducerWindowSize(-1);
        ClientSessionFactory pf = locator.createSessionFactory();
        ClientSessionFactory cf = locator.createSessionFactory();
        boolean inproc = send.startsWith("inproc:");
        if (inproc) {
            send = "tx:" + send.substring(7); // inproc: the same batches, routed in process
        }
        boolean txSend = send.startsWith("tx:");
        boolean txAck = ack.startsWith("tx:");
        ClientSession ps = pf.createSession(!txSend, true);
        ps.createQueue(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST).setDurable(true));
        ClientProducer producer = ps.createProducer(queue);
        ClientSession cs = cf.createSession(true, !txAck);
        ClientConsumer consumer = cs.createConsumer(queue);
        int total = warm + events;
        CountDownLatch consumed = new CountDownLatch(total);
        AtomicLong[] cpuAt = {new AtomicLong()};
        int ackBatch = txAck ? Integer.parseInt(ack.substring(3)) : 1;
        List<ClientMessage> toAck = new ArrayList<>();
        consumer.setMessageHandler(m -> {
            try {
                if (txAck) {
                    m.individualAcknowledge();
                    toAck.add(m);
                    if (toAck.size() >= ackBatch || consumed.getCount() <= toAck.size()) {
                        cs.commit();
                        for (int i = 0; i < toAck.size(); i++) {
                            count(consumed, warm, total, cpuAt);
                        }
                        toAck.clear();
                    }
                } else {
                    m.individualAcknowledge();
                    count(consumed, warm, total, cpuAt);
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
        });
        cs.start();
        String body = "x".repeat(1000);
        Semaphore window = new Semaphore(1024);
        SendAcknowledgementHandler handler = new SendAcknowledgementHandler() {
            @Override
            public void sendAcknowledged(Message message) {
                window.release();
            }

            @Override
            public void sendFailed(Message message, Exception e) {
                window.release();
                e.printStackTrace();
            }
        };
        int sendBatch = txSend ? Integer.parseInt(send.substring(3)) : 1;
        int rate = Integer.parseInt(arg(args, "rate", "0"));
        if (rate > 0 && !(txSend && sendBatch == 1)) {
            throw new IllegalArgumentException("rate=R needs send=tx:1");
        }
        org.apache.activemq.artemis.core.server.ActiveMQServer server = broker.server();
        org.apache.activemq.artemis.core.persistence.StorageManager sm = server.getStorageManager();
        org.apache.activemq.artemis.core.postoffice.PostOffice po = server.getPostOffice();
        org.apache.activemq.artemis.core.transaction.Transaction[] tx = {null};
        Histogram commits = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long t0 = System.nanoTime();
        for (int n = 0; n < total; n++) {
            long due = t0 + n * (rate > 0 ? TimeUnit.SECONDS.toNanos(1) / rate : 0);
            for (long wait; rate > 0 && (wait = due - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(wait);
            }
            ClientMessage m = ps.createMessage(ClientMessage.TEXT_TYPE, true);
            CoreMessages.writeText(m, body);
            m.putStringProperty("WbxtEventKey", "messages:created:" + n);
            m.putStringProperty("WbxtResource", "messages");
            m.putStringProperty("WbxtEvent", "created");
            m.putLongProperty("WbxtReceivedAt", System.currentTimeMillis());
            m.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, "messages:created:" + n);
            m.setGroupID("room-" + (n % 256));
            if (inproc) {
                if (tx[0] == null) {
                    tx[0] = new org.apache.activemq.artemis.core.transaction.impl.TransactionImpl(sm);
                }
                ((org.apache.activemq.artemis.core.message.impl.CoreMessage) m).getProperties();
                m.getEncodeSize(); // encoded: the copy takes the buffer
                org.apache.activemq.artemis.api.core.Message server_m = new ServerCopy((org.apache.activemq.artemis.core.message.impl.CoreMessage) m);
                server_m.setMessageID(sm.generateID());
                server_m.setAddress(queue);
                po.route(server_m, tx[0], false, true);
                if ((n + 1) % sendBatch == 0 || n == total - 1) {
                    tx[0].commit();
                    tx[0] = null;
                    CountDownLatch synced = new CountDownLatch(1);
                    sm.afterCompleteOperations(new org.apache.activemq.artemis.core.io.IOCallback() {
                        @Override
                        public void done() {
                            synced.countDown();
                        }

                        @Override
                        public void onError(int code, String message) {
                            System.err.println("IO error " + message);
                            synced.countDown();
                        }
                    });
                    synced.await();
                    if (rate > 0 && n >= warm) {
                        commits.recordValue(Math.min(System.nanoTime() - due, commits.getHighestTrackableValue()));
                    }
                }
            } else if (txSend) {
                producer.send(m);
                if ((n + 1) % sendBatch == 0 || n == total - 1) {
                    ps.commit();
                    if (rate > 0 && n >= warm) {
                        commits.recordValue(Math.min(System.nanoTime() - due, commits.getHighestTrackableValue()));
                    }
                }
            } else {
                window.acquire();
                producer.send(m, handler);
            }
        }
        consumed.await();
        long cpu = processCpuNanos() - cpuAt[0].get();
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(java.util.Locale.ROOT,
                "PROBEJSON {\"send\":\"%s\",\"ack\":\"%s\",\"events\":%d,\"cpu_us_per_event\":%.1f,\"wall_s\":%.1f%s}%n",
                (inproc ? "in" : "") + send, ack, events, cpu / 1e3 / events, seconds, rate == 0 ? "" : String.format(java.util.Locale.ROOT,
                        ",\"rate\":%d,\"commit_p50_ms\":%.3f,\"commit_p99_ms\":%.3f,\"commit_p999_ms\":%.3f,\"commit_max_ms\":%.3f",
                        rate, commits.getValueAtPercentile(50) / 1e6, commits.getValueAtPercentile(99) / 1e6,
                        commits.getValueAtPercentile(99.9) / 1e6, commits.getMaxValue() / 1e6));
        broker.stop();
        System.exit(0);
    }

    /** A server-side copy of a client message (CoreMessage's copy constructor is protected). */
    static final class ServerCopy extends org.apache.activemq.artemis.core.message.impl.CoreMessage {
        ServerCopy(org.apache.activemq.artemis.core.message.impl.CoreMessage m) {
            super(m);
        }
    }

    /** Counts one acknowledged event; reads the process CPU when the warm-up ends. */
    private static void count(CountDownLatch consumed, int warm, int total, AtomicLong[] cpuAt) {
        consumed.countDown();
        long left = consumed.getCount();
        if (left == total - warm) {
            cpuAt[0].set(processCpuNanos());
        }
    }

    static long processCpuNanos() {
        try {
            String[] f = Files.readString(Path.of("/proc/self/stat")).split("\\) ")[1].split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // utime + stime, 100 Hz ticks
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String arg(String[] args, String name, String otherwise) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return a.substring(name.length() + 1);
            }
        }
        return otherwise;
    }
}
