package dev.wbxt.router.retry;

/**
 * Retrying cannot fix this event: its own data is wrong (an id that is not a Webex id, a body that is not JSON), so
 * every attempt would fail the same way. The failure rules dead-letter it at once. Any other exception is retried,
 * including a plain {@code IllegalArgumentException} (a wrong destination setting threw one on every event and
 * dead-lettered them all; such settings are now checked at start). It is an IllegalArgumentException itself, so a
 * caller outside the queues (an admin endpoint answering 400) still sees bad input.
 */
public class PermanentFailureException extends IllegalArgumentException {
    public PermanentFailureException(String message) {
        super(message);
    }

    public PermanentFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
