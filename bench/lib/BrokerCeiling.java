import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import dev.wbxt.router.broker.EmbeddedBroker;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Anchor (c): the embedded broker alone, configured as the service configures it (dev.wbxt.router.broker.EmbeddedBroker,
 * from the service's jar), taking durable 1 KB messages with a duplicate id and a message group, as the receiver
 * sends them, from [threads] senders (one connection, session and producer each) as fast as it can. No HTTP, no
 * Camel: the most a receiver that stores through this broker could acknowledge on this machine.
 * Prints one line "BROKERJSON {...}". Usage: java -cp webex-event-router.jar:classes BrokerCeiling threads seconds warm-up
 */
public class BrokerCeiling {
    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int warmUp = Integer.parseInt(args[2]);
        Path dir = Files.createTempDirectory("wbxt-bench-broker");
        EmbeddedBroker broker = new EmbeddedBroker(dir, 100_000, 32, null, "", 256L << 20, System.err::println); // "": the journal timer measured on this disk, as the service does; 256 MiB: half of ingest.min-free-disk-mb, as the service sets it
        broker.start();
        broker.awaitStarted();
        String body = "x".repeat(1000);
        AtomicLong sequence = new AtomicLong();
        AtomicLong counted = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + warmUp * 1_000_000_000L;
        long end = measureFrom + seconds * 1_000_000_000L;
        ExecutorService senders = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            senders.submit(() -> {
                try (Connection connection = new ActiveMQConnectionFactory(broker.login().url()).createConnection()) {
                    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageProducer producer = session.createProducer(session.createQueue("wbxt.events"));
                    producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                    for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                        long n = sequence.incrementAndGet();
                        TextMessage message = session.createTextMessage(body);
                        message.setStringProperty("_AMQ_DUPL_ID", "messages:created:" + n);
                        message.setStringProperty("JMSXGroupID", "room-" + (n % 256));
                        producer.send(message); // blocks until the journal has it, as the receiver's send does
                        if (now >= measureFrom) {
                            counted.incrementAndGet();
                        }
                    }
                }
                return null;
            });
        }
        senders.shutdown();
        senders.awaitTermination(warmUp + seconds + 60L, TimeUnit.SECONDS);
        System.out.printf("BROKERJSON {\"threads\":%d,\"seconds\":%d,\"sends\":%d,\"per_s\":%.1f}%n",
                threads, seconds, counted.get(), counted.get() / (double) seconds);
        broker.stop();
        System.exit(0);
    }
}
