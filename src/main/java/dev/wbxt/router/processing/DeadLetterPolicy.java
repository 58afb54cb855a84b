package dev.wbxt.router.processing;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import dev.wbxt.router.ops.RouterMetrics;
import dev.wbxt.router.webex.WebexApiException;
import dev.wbxt.router.webex.WebexUnavailableException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Error handling shared by every route that consumes a queue ({@code routeConfigurationId: dead-letters}, with
 * {@code errorHandler: defaultErrorHandler}). The routes it calls have no error handler (the service's default),
 * so every failure comes back to the consumer, which owns the transaction.
 * The consumer is transacted: after a failure it waits (a growing delay, see {@link Retries}) and rolls back, and
 * the broker hands the event back at the head of its queue, so the room's later events stay behind it. After
 * {@code processing.max-attempts} deliveries, or at once for a failure that cannot get better by retrying (an
 * invalid id, a Webex 4xx), the original event goes to {@code <queue>.dlq} with the reason, and is acknowledged.
 * Nothing after the failing step runs: no reply, no log line, no forward for an event that did not make it.
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

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterPolicy.class);
    private final Retries retries;
    private final RouterMetrics metrics;
    private final BooleanSupplier webexAnswering;
    /** When each failing event first failed (its redeliveries cannot carry it): bounded, in memory. */
    private final Map<Object, Long> firstFailures = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Long> eldest) {
            return size() > 10_000;
        }
    });

    /** @param webexAnswering whether Webex answers right now, asked before an event is blamed for a Webex failure */
    public DeadLetterPolicy(Retries retries, RouterMetrics metrics, BooleanSupplier webexAnswering) {
        this.retries = retries;
        this.webexAnswering = webexAnswering;
        this.metrics = metrics;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(Exception.class).onWhen(this::giveUp)
                    .handled(true)
                    .useOriginalMessage()
                    .process(this::annotate)
                    .toD("jms:queue:${header." + FROM_QUEUE + "}.dlq")
                .end()
                .onException(Exception.class)
                    .handled(false)
                    .logExhausted(false)
                    .process(this::rollBack)
                .end();
    }

    private boolean giveUp(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (isPermanent(failure)) {
            return true;
        }
        Retries policy = retriesOf(exchange);
        boolean outOfAttempts = attempt(exchange) >= policy.maxAttempts();
        WebexUnavailableException unavailable = unavailable(failure);
        if (unavailable == null) {
            return outOfAttempts;
        }
        if (unavailable.why() != WebexUnavailableException.Why.FAILED) {
            return false; // Webex rate-limits us or looks down: the event is not at fault, it waits
        }
        // Webex failed this event again and again. It is the event's fault only after Webex had time to come back
        // and if Webex answers a plain call right now; otherwise Webex is down and the event keeps waiting.
        Long firstFailure = firstFailures.get(received(exchange).getHeader("WbxtEventKey"));
        boolean patienceSpent = firstFailure != null
                && System.currentTimeMillis() - firstFailure >= policy.webexPatienceMillis();
        return outOfAttempts && patienceSpent && webexAnswering.getAsBoolean();
    }

    private static WebexUnavailableException unavailable(Throwable failure) {
        return ObjectHelper.getException(WebexUnavailableException.class, failure);
    }

    /** A failure that the same input will meet again, however often it is retried. */
    static boolean isPermanent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException
                    || t instanceof WebexApiException webex && !webex.isRetryable()
                    || t instanceof com.fasterxml.jackson.core.JsonProcessingException) {
                return true;
            }
        }
        return false;
    }

    private void annotate(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Message message = exchange.getMessage();
        String queue = queueOf(exchange);
        // The duplicate id would make the broker drop the event when it is replayed from the dead letters.
        message.removeHeaders("_AMQ_*");
        Long firstFailure = firstFailures.remove(message.getHeader("WbxtEventKey"));
        long now = System.currentTimeMillis();
        message.setHeader(LETTER_ID, UUID.randomUUID().toString());
        message.setHeader(REASON, reason(failure));
        message.setHeader(ATTEMPTS, attempt(exchange));
        message.setHeader(FAILED_AT, now);
        message.setHeader(FIRST_FAILED_AT, firstFailure == null ? now : firstFailure);
        message.setHeader(FROM_QUEUE, queue);
        metrics.deadLettered(queue);
        LOG.warn("Event {} dead-lettered to {}.dlq after {} attempt(s): {}",
                message.getHeader("WbxtEventKey"), queue, attempt(exchange), reason(failure));
    }

    private void rollBack(Exchange exchange) throws InterruptedException {
        String queue = queueOf(exchange);
        int attempt = attempt(exchange);
        Retries policy = retriesOf(exchange);
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        long delay = unavailable(failure) != null
                // waiting for Webex goes at most at the outage pace, not an ever-growing one
                ? Math.min(policy.delayAfter(attempt), policy.outageDelayMillis())
                // an HTTP system that answered 429/503 with Retry-After is given that long (up to the longest delay)
                : Math.max(policy.delayAfter(attempt), Math.min(retryAfterMillis(failure), policy.maxDelayMillis()));
        Object key = received(exchange).getHeader("WbxtEventKey");
        firstFailures.putIfAbsent(key, System.currentTimeMillis());
        metrics.retried(queue);
        LOG.warn("Event {} failed on attempt {}/{}, tried again in {} ms: {}", key, attempt, policy.maxAttempts(), delay,
                reason(failure));
        Thread.sleep(delay); // the event (and its room) waits here, unacknowledged, then is rolled back
    }

    private Retries retriesOf(Exchange exchange) {
        Retries own = exchange.getProperty(RETRIES, Retries.class);
        return own == null ? retries : own;
    }

    /** The {@code Retry-After} of a 429 or 503 answer from an HTTP endpoint, in ms (seconds or an HTTP date); else 0. */
    static long retryAfterMillis(Throwable failure) {
        HttpOperationFailedException http = ObjectHelper.getException(HttpOperationFailedException.class, failure);
        if (http == null || http.getStatusCode() != 429 && http.getStatusCode() != 503 || http.getResponseHeaders() == null) {
            return 0;
        }
        for (Map.Entry<String, String> header : http.getResponseHeaders().entrySet()) {
            if ("Retry-After".equalsIgnoreCase(header.getKey()) && header.getValue() != null) {
                return parseRetryAfter(header.getValue().trim());
            }
        }
        return 0;
    }

    static long parseRetryAfter(String value) {
        try {
            return Math.max(0, Long.parseLong(value) * 1000);
        } catch (NumberFormatException notSeconds) {
            try {
                return Math.max(0, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli()
                        - System.currentTimeMillis());
            } catch (DateTimeParseException neither) {
                return 0;
            }
        }
    }

    private static int attempt(Exchange exchange) {
        Integer count = received(exchange).getHeader("JMSXDeliveryCount", Integer.class);
        return count == null ? 1 : count;
    }

    /** The message as the queue delivered it: a route may have replaced the headers (a forward destination does). */
    private static Message received(Exchange exchange) {
        Message original = exchange.getUnitOfWork() == null ? null : exchange.getUnitOfWork().getOriginalInMessage();
        return original != null ? original : exchange.getMessage();
    }

    private static String queueOf(Exchange exchange) {
        return exchange.getFromEndpoint() instanceof JmsEndpoint jms ? jms.getDestinationName() : "wbxt.unknown";
    }

    static String reason(Throwable failure) {
        if (failure == null) {
            return "unknown";
        }
        String text = (failure.getClass().getSimpleName() + ": " + failure.getMessage()).replace('\n', ' ');
        return text.length() > 500 ? text.substring(0, 500) : text;
    }
}
