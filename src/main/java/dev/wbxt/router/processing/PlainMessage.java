package dev.wbxt.router.processing;

import java.nio.charset.StandardCharsets;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultMessage;

/**
 * The first step of a queue route: the JMS message becomes a plain Camel message with the same body and headers.
 * Every bean expression of the routes copies the exchange, and a copy of a JMS message re-reads the broker message
 * (its redelivery flag, its properties): with a dozen such steps per event that was a tenth of the processing CPU.
 * Nothing depends on the JMS message afterwards: the transaction belongs to the listener, not to the message.
 * <p>
 * The message as received stays on the exchange ({@link #RECEIVED}) for the dead-letter policy: a step in a route
 * of its own (a destination type, a Kamelet) runs under a unit of work of its own, whose "original message" is the
 * one that entered that route, not the one the queue delivered (its attempt count, its event key, its body).
 * <p>
 * A body of bytes becomes text (UTF-8): the destinations' queues carry the CloudEvent as a BytesMessage
 * ({@code ForwardDestinations}), and their routes' filters and transforms read {@code ${body}} as the JSON text.
 */
public class PlainMessage implements Processor {
    /** Exchange property: the message as the queue delivered it, untouched by the route's steps. */
    public static final String RECEIVED = "WbxtReceivedMessage";

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(RECEIVED, exchange.getMessage());
        DefaultMessage plain = new DefaultMessage(exchange);
        plain.copyFrom(exchange.getMessage());
        if (plain.getBody() instanceof byte[] bytes) { // a destination's queue: the CloudEvent as UTF-8 bytes
            plain.setBody(new String(bytes, StandardCharsets.UTF_8));
        }
        exchange.setMessage(plain);
    }
}
