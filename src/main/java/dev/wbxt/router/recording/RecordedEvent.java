package dev.wbxt.router.recording;

import java.util.ArrayList;
import java.util.List;

import dev.wbxt.router.webex.WebexOperation;
import io.cloudevents.CloudEvent;

/**
 * One attempt at processing one event, as the {@link Recorder} sees it: the notification taken from the queue, each
 * Webex call the routes made for it with its answer, each reply sent ({@code webex:createMessage}), each CloudEvent
 * handed to forwarding, and whether the attempt failed. Filled in by the processing threads (a route may split the
 * exchange, so every addition is synchronized), then handed to a {@link RecordingSink}, which turns it into a line on
 * its own thread ({@link RecordingFormat}).
 */
public final class RecordedEvent {
    /** One {@code webex:} call: its answer, or why it failed. */
    record Call(WebexOperation operation, String id, Object request, Object answer, Throwable failure) {
    }

    private final String key;
    private final Object notification;
    private final long startedMillis;
    private final List<Call> calls = new ArrayList<>(4);
    private final List<Object> replies = new ArrayList<>(1);
    private final List<CloudEvent> forwards = new ArrayList<>(1);
    private volatile Throwable failure;

    /**
     * @param key          the event's dedupe key ({@code WbxtEventKey})
     * @param notification the stored notification: its JSON text
     */
    RecordedEvent(String key, Object notification, long startedMillis) {
        this.key = key;
        this.notification = notification;
        this.startedMillis = startedMillis;
    }

    public String key() {
        return key;
    }

    Object notification() {
        return notification;
    }

    long startedMillis() {
        return startedMillis;
    }

    /** A successful {@code createMessage} is a reply; any other call (and a failed reply) is an answer the routes got. */
    synchronized void called(WebexOperation operation, String id, Object request, Object answer, Throwable failure) {
        if (operation == WebexOperation.createMessage && failure == null) {
            replies.add(request);
        } else {
            calls.add(new Call(operation, id, request, answer, failure));
        }
    }

    synchronized void forwarded(CloudEvent event) {
        forwards.add(event);
    }

    void finished(Throwable failure) {
        this.failure = failure;
    }

    /** Why the attempt failed, or null when the event was processed to its end. */
    public Throwable failure() {
        return failure;
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized List<Object> replies() {
        return new ArrayList<>(replies); // a reply's body may be null in a broken route: List.copyOf refuses nulls
    }

    synchronized List<CloudEvent> forwards() {
        return List.copyOf(forwards);
    }
}
