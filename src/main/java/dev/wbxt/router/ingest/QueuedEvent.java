package dev.wbxt.router.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Message;

/**
 * The one place that turns a checked {@link WebhookNotification} into the message stored on the events queue: the
 * body (the notification's JSON) and the properties the processing routes and the broker read. Every way in uses it
 * (the webhook receiver, the websocket ingest, the backfill), so an event is stored the same, and deduplicated by
 * the same key, whichever way it came.
 */
public final class QueuedEvent {
    private QueuedEvent() {
    }

    /** The stored message's properties for {@code notification}, received at {@code receivedAtMillis}. */
    public static Map<String, Object> headers(WebhookNotification notification, long receivedAtMillis) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put(EventHeaders.EVENT_KEY, notification.dedupeKey());
        headers.put(EventHeaders.RESOURCE, notification.resource());
        headers.put(EventHeaders.EVENT, notification.event());
        headers.put(EventHeaders.RECEIVED_AT, receivedAtMillis);
        // Artemis drops a second message with the same duplicate id, atomically with the journal write.
        headers.put(EventHeaders.DUPLICATE_ID, notification.dedupeKey());
        if (notification.roomId() != null) {
            // One message group per room: events of a room are processed in order, rooms in parallel.
            headers.put(EventHeaders.GROUP_ID, notification.roomId());
        }
        return headers;
    }

    /** Replaces {@code message}'s body and headers with the queued event's (nothing of the request is kept). */
    public static void fill(Message message, WebhookNotification notification, long receivedAtMillis) {
        message.removeHeaders("*");
        message.setBody(notification.json());
        message.getHeaders().putAll(headers(notification, receivedAtMillis));
    }
}
