package dev.wbxt.router.webex;

/**
 * Webex did not serve a call, after the client's own retries. {@link #why()} tells whether the event could be at
 * fault ({@link Why#FAILED}: no answer or a 5xx) or surely is not (Webex rate-limits us, or the call was not even
 * tried because Webex looks down).
 */
public class WebexUnavailableException extends WebexApiException {
    public enum Why {
        /** No answer, or a 5xx, every time: Webex is down, or something about this very call breaks it. */
        FAILED,
        /** 429 asking to wait longer than a call waits. */
        RATE_LIMITED,
        /** Not called: the circuit is open because most recent calls failed. */
        CIRCUIT_OPEN
    }

    private final Why why;

    public WebexUnavailableException(String message, int status, String trackingId, String webexMessage, Why why) {
        super(message, status, trackingId, webexMessage, true, null);
        this.why = why;
    }

    public Why why() {
        return why;
    }
}
