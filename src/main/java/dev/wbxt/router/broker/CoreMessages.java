package dev.wbxt.router.broker;

import java.nio.charset.StandardCharsets;

import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQQueueExistsException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientSession;

/**
 * What the service's Artemis core clients (the receiver's store, the room lanes) must do the way Artemis' JMS client
 * does, so that JMS senders and consumers (backfill, dead-letter replay, forward destinations) see the same
 * messages: a text body encoded as a JMS {@code TextMessage}'s, and a queue created before the first send to it.
 */
public final class CoreMessages {
    private CoreMessages() {
    }

    /** Writes {@code text} as the body of a {@code TEXT_TYPE} message, as {@code ActiveMQTextMessage} does. */
    public static void writeText(ClientMessage message, String text) {
        message.getBodyBuffer().writeNullableSimpleString(text == null ? null : SimpleString.of(text));
    }

    /** The body of a message written by {@link #writeText} or by a JMS {@code TextMessage}; null when it has none. */
    public static String readText(ClientMessage message) {
        SimpleString body = message.getBodyBuffer().readNullableSimpleString();
        return body == null ? null : body.toString();
    }

    /**
     * The body as text: a {@code TEXT_TYPE} message's text ({@link #readText}), a {@code BYTES_TYPE} one's bytes as
     * UTF-8 (a forward destination's queue and its dead letters hold the CloudEvent so); null when it has none.
     */
    public static String readBody(ClientMessage message) {
        if (message.getType() == Message.BYTES_TYPE) {
            ActiveMQBuffer body = message.getBodyBuffer();
            byte[] bytes = new byte[body.readableBytes()];
            body.readBytes(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return readText(message);
    }

    /** The service's kind of queue: durable, anycast, its address of the same name made with it when missing. */
    public static QueueConfiguration durableQueue(SimpleString name) {
        return QueueConfiguration.of(name).setRoutingType(RoutingType.ANYCAST).setDurable(true).setAutoCreateAddress(true);
    }

    /**
     * A {@link #durableQueue} of that name, created when missing, as the JMS client does before its first send:
     * core clients do not create queues on send.
     */
    public static void ensureQueue(ClientSession session, SimpleString name) throws ActiveMQException {
        if (!session.queueQuery(name).isExists()) {
            try {
                session.createQueue(durableQueue(name));
            } catch (ActiveMQQueueExistsException createdMeanwhile) {
                // by another session, a JMS sender or another instance: what was wanted
            }
        }
    }
}
