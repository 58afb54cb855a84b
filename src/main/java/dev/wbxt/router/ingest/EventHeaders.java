package dev.wbxt.router.ingest;

/**
 * The headers (JMS properties on the broker) an event carries from the receiver to the room lanes, the forward
 * destinations and the dead letters: one name each, used by the Java side. The YAML routes write the same names
 * (e.g. {@code ${header.WbxtResource}} in routes/10-dispatch.yaml): they point here.
 */
public final class EventHeaders {
    /** Every header of ours starts with this; a replayed dead letter keeps them (but not the dead-letter ones). */
    public static final String PREFIX = "Wbxt";
    /** The event's dedupe key: the webhook's resource, event and data id ({@code WebhookNotification.dedupeKey}). */
    public static final String EVENT_KEY = "WbxtEventKey";
    /** The Webex resource: messages, attachmentActions, memberships, rooms... */
    public static final String RESOURCE = "WbxtResource";
    /** The Webex event: created, updated, deleted. */
    public static final String EVENT = "WbxtEvent";
    /** When the receiver took the webhook, epoch milliseconds (the event log's end-to-end time). */
    public static final String RECEIVED_AT = "WbxtReceivedAt";
    /** The event's room, for the forward destinations' filter and groups. */
    public static final String ROOM_ID = "WbxtRoomId";
    /** Set on events the backfill stored (messages Webex never delivered). */
    public static final String BACKFILL = "WbxtBackfill";
    /** On a replayed dead letter: the id of the letter it came from. */
    public static final String REPLAY_OF = "WbxtReplayOf";
    /** JMS message group = the room: one room's events in order, on one consumer (Artemis' JMS name for it). */
    public static final String GROUP_ID = "JMSXGroupID";
    /** Artemis' duplicate detection id: the same event stored twice is kept once. */
    public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    /**
     * Set by the broker (Artemis' {@code group-first-key} of the events queue, set by the service at start on an
     * external broker) on the first event of a room it hands to a consumer: the room is new to it, or came from an
     * instance that stopped or died (see {@code rooms/Lanes.Handover}). Not copied to the exchange.
     */
    public static final String GROUP_FIRST = "JMSXGroupFirstForConsumer";
    /**
     * The event's place in the order its room was stored: the broker's id of the stored message (assigned by the
     * one broker at the send, increasing across instances and restarts; the same each time the event is delivered
     * again). Set by the room lanes; the CloudEvent's {@code sequence} attribute.
     */
    public static final String SEQUENCE = "WbxtSequence";
    /** How many times the broker has delivered this message (JMS). */
    public static final String DELIVERY_COUNT = "JMSXDeliveryCount";

    private EventHeaders() {
    }
}
