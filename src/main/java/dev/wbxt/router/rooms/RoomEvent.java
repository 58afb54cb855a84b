package dev.wbxt.router.rooms;

import dev.wbxt.router.ingest.EventHeaders;

import java.time.Instant;
import java.util.Comparator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wbxt.router.broker.CoreMessages;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;

/**
 * One stored event as a lane holds it: the broker's message (to acknowledge it), its text, its room, and how it
 * fared so far. The attempt starts at the broker's delivery count, so attempts before a restart count (the embedded
 * broker persists the count before each delivery); retries within this run add to it.
 */
final class RoomEvent {
    /** The Camel header with the event's room: JMS's name for the message group, which the forward route keeps. */
    /** The broker's own properties (duplicate id, group, routing): not the event's. */
    static final SimpleString BROKER_PREFIX = SimpleString.of("_AMQ_");
    private static final SimpleString GROUP_FIRST = SimpleString.of(EventHeaders.GROUP_FIRST);
    /** The order the broker stored a room's events in: its message id (see {@link EventHeaders#SEQUENCE}). */
    static final Comparator<RoomEvent> BROKER_ORDER = Comparator.comparingLong(e -> e.message.getMessageID());
    private final ClientMessage message;
    private final String text;
    private final Object room;
    private int attempt;
    private long firstFailedAt;
    private long created = -1;

    /**
     * The sender's order: by {@code data.created} (when the message was written), an event without it by when it was
     * received. Read from the text on first use: only the reorder window asks.
     */
    static final Comparator<RoomEvent> SENDER_ORDER = Comparator.comparingLong(RoomEvent::created);
    private static final ObjectMapper JSON = new ObjectMapper();

    private RoomEvent(ClientMessage message, String text, Object room) {
        this.message = message;
        this.text = text;
        this.room = room;
        this.attempt = Math.max(1, message.getDeliveryCount());
    }

    /** Reads the message as the receiver stores it: a text body written as JMS does, the room as the message group. */
    static RoomEvent of(ClientMessage message) {
        SimpleString group = message.getSimpleStringProperty(Message.HDR_GROUP_ID);
        // an event without a room has a lane of its own
        return new RoomEvent(message, CoreMessages.readText(message), group != null ? group.toString() : message.getMessageID());
    }

    /**
     * Puts the event's properties on {@code to} as Camel headers, as the JMS consumer gave them: Wbxt*, the room as
     * JMSXGroupID, and its place in the room's order as WbxtSequence. (Straight into the message's own header map: a
     * map of ours would be copied into Camel's.)
     */
    void copyHeadersTo(org.apache.camel.Message to) {
        for (SimpleString name : message.getPropertyNames()) {
            if (!name.startsWith(BROKER_PREFIX) && !name.equals(GROUP_FIRST)) {
                Object value = message.getObjectProperty(name);
                to.setHeader(name.toString(), value instanceof SimpleString s ? s.toString() : value);
            }
        }
        if (room instanceof String group) {
            to.setHeader(EventHeaders.GROUP_ID, group);
        }
        to.setHeader(EventHeaders.SEQUENCE, message.getMessageID());
    }

    /** The broker handed this event's room to this consumer with it ({@link EventHeaders#GROUP_FIRST}). */
    boolean handedOver() {
        return message.containsProperty(GROUP_FIRST);
    }

    ClientMessage message() {
        return message;
    }

    String text() {
        return text;
    }

    Object room() {
        return room;
    }

    /** {@code data.created} in epoch ms; when the event has none (or not an ISO instant), when it was received. */
    long created() {
        if (created < 0) {
            long at;
            try {
                String text = JSON.readTree(this.text).path("data").path("created").asText("");
                at = text.isEmpty() ? receivedAt() : Instant.parse(text).toEpochMilli();
            } catch (Exception notReadable) {
                at = receivedAt();
            }
            created = Math.max(0, at);
        }
        return created;
    }

    /** When the receiver stored it (epoch ms), 0 when the message does not say. */
    long receivedAt() {
        Object at = message.getObjectProperty(EventHeaders.RECEIVED_AT);
        return at instanceof Number n ? n.longValue() : 0;
    }

    Object key() {
        return message.getStringProperty(EventHeaders.EVENT_KEY);
    }

    /** The attempt now running (1-based). */
    int attempt() {
        return attempt;
    }

    /** When this event first failed, 0 if it has not. */
    long firstFailedAt() {
        return firstFailedAt;
    }

    /** The attempt failed and the event is tried again. */
    void failed(long now) {
        if (firstFailedAt == 0) {
            firstFailedAt = now;
        }
        attempt++;
    }
}
