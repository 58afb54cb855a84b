package dev.wbxt.router.webex;

import dev.wbxt.router.retry.PermanentFailureException;

/**
 * A message's file that cannot be had, for a reason that trying again will not change: the event is dead-lettered
 * at once with this message, unless its route catches it (the shipped {@code checksum} command answers with it). The
 * message names the file and the reason, never the token.
 */
public class WebexFileException extends PermanentFailureException {
    /** Why the file was not fetched. */
    public enum Reason {
        /** The URL is not a file of the configured Webex API ({@code <api-url>/contents/<id>}): never called. */
        NOT_A_WEBEX_FILE,
        /** Webex has no such file (404). */
        NOT_FOUND,
        /** Webex removed it: its malware scan found it infected (410). */
        GONE,
        /** Webex could not scan it for malware (428, e.g. an encrypted file) and the service does not take those. */
        UNSCANNABLE,
        /** Larger than {@code maxFileBytes}: reported, not fetched (or cut off when it grew past the limit). */
        TOO_LARGE,
        /** Not a type the route accepts, or another type than Webex announced. */
        WRONG_TYPE
    }

    private final Reason reason;

    public WebexFileException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
