package dev.wbxt.router.webex;

import org.apache.camel.Exchange;

/**
 * Sees each call of a {@code webex:} step when it has been answered, with the exchange it was made for: the recording
 * of Webex answers (README "Recording and replay") is one. None is set by default, and then a {@code webex:}
 * endpoint's producer is the plain {@link WebexProducer}: nothing of this runs per call
 * ({@link WebexEndpoint#createProducer}).
 */
public interface WebexCallObserver {
    /**
     * Called on the thread the route goes on with, before it goes on.
     *
     * @param id      the resource id the call was made with, null for operations without one
     * @param request the body sent ({@code createMessage}, webhook writes), else null
     * @param answer  the answer (a Map, or a List for the list operations), null when the call failed
     * @param failure why the call failed, else null
     */
    void called(Exchange exchange, WebexOperation operation, String id, Object request, Object answer, Throwable failure);
}
