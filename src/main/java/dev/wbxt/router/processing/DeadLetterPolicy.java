package dev.wbxt.router.processing;

import dev.wbxt.router.ingest.EventHeaders;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.support.DefaultMessage;

/**
 * Error handling of the routes that consume a queue with JMS, the forward destinations
 * ({@code routeConfigurationId: dead-letters}, with {@code errorHandler: defaultErrorHandler}); the events queue
 * has its own consumer ({@code rooms:}) with the same rules ({@link FailureRules}) and the same reports
 * ({@link FailureReport}). The routes it calls have no error handler (the service's default),
 * so every failure comes back to the consumer, which owns the transaction.
 * The consumer is transacted: after a failure it waits (a growing delay, see {@link Retries}) and rolls back, and
 * the broker hands the event back at the head of its queue, so the room's later events stay behind it. The wait
 * holds the consumer's thread: a destination has few consumers and retries one downstream system, so that is kept. After
 * {@code processing.max-attempts} deliveries, or at once for a failure that cannot get better by retrying (an
 * invalid id, a Webex 4xx), the original event goes to {@code <queue>.dlq} with the reason, and is acknowledged.
 * Nothing after the failing step runs: no reply, no log line, no forward for an event that did not make it.
 * <p>
 * The dead letter is the message as the queue delivered it, which such a route keeps with its first step,
 * {@code plainMessage} ({@link PlainMessage#RECEIVED}); a route without that step dead-letters its message as the
 * failing step left it. Not Camel's {@code useOriginalMessage()}: it turns on {@code allowUseOriginalMessage} for
 * the route, and then every delivery's JMS message is copied when its unit of work begins (its properties and its
 * redelivery flag read again): 5 % of the service's CPU in the soak with a destination (JFR), for a copy never read.
 */
public class DeadLetterPolicy extends RouteConfigurationBuilder {
    public static final String ID = "dead-letters";
    public static final String REASON = "WbxtDeadLetterReason";
    public static final String ATTEMPTS = "WbxtDeadLetterAttempts";
    public static final String LETTER_ID = "WbxtDeadLetterId";
    public static final String FAILED_AT = "WbxtDeadLetterAt";
    public static final String FIRST_FAILED_AT = "WbxtDeadLetterFirstAt";
    public static final String FROM_QUEUE = "WbxtDeadLetterFrom";
    /** Exchange property: the {@link Retries} of this route (a forward destination's own), instead of processing.*. */
    public static final String RETRIES = "WbxtRetries";
    /** Exchange property: the {@link FailureRules.Verdict} on the failure being handled. */
    private static final String VERDICT = "WbxtFailureVerdict";

    private final Retries retries;
    private final FailureRules rules;
    private final FailureReport report;
    /** When each failing event first failed (its redeliveries cannot carry it): bounded, in memory. */
    private final Map<Object, Long> firstFailures = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Long> eldest) {
            return size() > 10_000;
        }
    });

    public DeadLetterPolicy(Retries retries, FailureRules rules, FailureReport report) {
        this.retries = retries;
        this.rules = rules;
        this.report = report;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(Exception.class).onWhen(this::giveUp)
                    .handled(true)
                    .process(this::annotate)
                    .toD("jms:queue:${header." + FROM_QUEUE + "}.dlq")
                .end()
                .onException(Exception.class)
                    .handled(false)
                    .logExhausted(false)
                    .process(this::rollBack)
                .end();
    }

    /** Decides once per failure; the verdict is kept for {@link #annotate} or {@link #rollBack}. */
    private boolean giveUp(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Long firstFailure = firstFailures.get(received(exchange).getHeader(EventHeaders.EVENT_KEY));
        FailureRules.Verdict verdict = rules.decide(retriesOf(exchange), failure, attempt(exchange),
                firstFailure == null ? 0 : firstFailure, System.currentTimeMillis());
        exchange.setProperty(VERDICT, verdict);
        return verdict.deadLetter();
    }

    private void annotate(Exchange exchange) {
        Message message = exchange.getMessage();
        Message received = exchange.getProperty(PlainMessage.RECEIVED, Message.class);
        if (received != null) { // the stored event, even when the failure is handled in a sub-route (a Kamelet's)
            message = new DefaultMessage(exchange);
            message.copyFrom(received);
            exchange.setMessage(message);
        }
        Object key = message.getHeader(EventHeaders.EVENT_KEY);
        // The duplicate id would make the broker drop the event when it is replayed from the dead letters.
        message.removeHeaders("_AMQ_*");
        Long firstFailure = firstFailures.remove(key);
        message.getHeaders().putAll(report.deadLettered(queueOf(exchange), key, attempt(exchange),
                firstFailure == null ? 0 : firstFailure, verdictOf(exchange).reason()));
    }

    private void rollBack(Exchange exchange) throws InterruptedException {
        FailureRules.Verdict verdict = verdictOf(exchange);
        Object key = received(exchange).getHeader(EventHeaders.EVENT_KEY);
        firstFailures.putIfAbsent(key, System.currentTimeMillis());
        report.retried(queueOf(exchange), key, attempt(exchange), retriesOf(exchange).maxAttempts(),
                verdict.delayMillis(), verdict.reason());
        Thread.sleep(verdict.delayMillis()); // the event (and its room) waits here, unacknowledged, then is rolled back
    }

    private static FailureRules.Verdict verdictOf(Exchange exchange) {
        return exchange.getProperty(VERDICT, FailureRules.Verdict.class);
    }

    private Retries retriesOf(Exchange exchange) {
        Retries own = exchange.getProperty(RETRIES, Retries.class);
        return own == null ? retries : own;
    }

    private static int attempt(Exchange exchange) {
        Integer count = received(exchange).getHeader(EventHeaders.DELIVERY_COUNT, Integer.class);
        return count == null ? 1 : count;
    }

    /** The message as the queue delivered it: a route may have replaced the headers (a forward destination does). */
    private static Message received(Exchange exchange) {
        Message received = exchange.getProperty(PlainMessage.RECEIVED, Message.class);
        return received != null ? received : exchange.getMessage();
    }

    private static String queueOf(Exchange exchange) {
        if (exchange.getFromEndpoint() instanceof JmsEndpoint jms) {
            return jms.getDestinationName();
        }
        // a failure handled in a route with a consumer of its own (a destination type's Kamelet) has that route's
        // from endpoint: the queue is the one the received message came from
        if (received(exchange).getHeader("JMSDestination") instanceof jakarta.jms.Queue queue) {
            try {
                return queue.getQueueName();
            } catch (jakarta.jms.JMSException unreadable) {
                // fall through
            }
        }
        return "wbxt.unknown";
    }
}
