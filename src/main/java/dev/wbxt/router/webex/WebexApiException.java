package dev.wbxt.router.webex;

/**
 * A Webex API call that failed after the client's own retries. {@link #isRetryable()} tells a route whether
 * redelivering later can help (429, 5xx, timeouts) or not (other 4xx). The message never contains the token.
 */
public class WebexApiException extends RuntimeException {
    private final int status;
    private final String trackingId;
    private final String webexMessage;
    private final boolean retryable;

    public WebexApiException(String message, int status, String trackingId, String webexMessage, boolean retryable,
                             Throwable cause) {
        super(message, cause);
        this.status = status;
        this.trackingId = trackingId;
        this.webexMessage = webexMessage;
        this.retryable = retryable;
    }

    /** HTTP status, or 0 when no answer came (timeout, connection refused). */
    public int getStatus() {
        return status;
    }

    public String getTrackingId() {
        return trackingId;
    }

    /** The {@code message} field of the Webex error body, when there was one. */
    public String getWebexMessage() {
        return webexMessage;
    }

    public boolean isRetryable() {
        return retryable;
    }
}
