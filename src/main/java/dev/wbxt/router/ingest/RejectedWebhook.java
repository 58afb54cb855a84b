package dev.wbxt.router.ingest;

/** A webhook POST the receiver refuses: carries the HTTP status and a short reason safe to send back. */
public class RejectedWebhook extends RuntimeException {
    private final int status;
    private final String reason;

    public RejectedWebhook(int status, String reason, String message) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    /** Short machine-readable reason, also the {@code reason} label of the rejected-events counter. */
    public String reason() {
        return reason;
    }
}
