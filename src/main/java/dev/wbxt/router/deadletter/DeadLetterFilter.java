package dev.wbxt.router.deadletter;

import java.util.Locale;
import java.util.regex.Pattern;

import dev.wbxt.router.webex.WebexIds;

/**
 * Which dead letters a request means: those of one queue (or of every dead-letter queue), whose reason contains a
 * text, of one room. Each part is optional; a part that cannot match anything well-formed is refused (400) before
 * any letter is touched, so that a typo never widens a replay.
 */
public record DeadLetterFilter(String queue, String reason, String roomId) {
    /** Every dead letter of every queue. */
    public static final DeadLetterFilter ALL = new DeadLetterFilter(null, null, null);
    /** A reason is at most 500 characters ({@code FailureRules.reason}): a longer text matches none. */
    static final int MAX_REASON = 500;
    /**
     * The parts of a reason that differ from one letter to the next although the failure is the same: Webex's
     * {@code trackingId}, a Webex id in a path ({@code GET /messages/Y2lz…}: every Webex id is the base64 of
     * {@code ciscospark://…}), a UUID.
     */
    private static final Pattern TRACKING_ID = Pattern.compile("trackingId=[^)\\s,;\"]+");
    private static final Pattern VARYING = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|Y2lzY29zcGFyazovL[A-Za-z0-9_-]*={0,2}");

    public DeadLetterFilter {
        queue = blankToNull(queue);
        reason = blankToNull(reason);
        roomId = blankToNull(roomId);
        if (reason != null && reason.length() > MAX_REASON) {
            throw new IllegalArgumentException("reason: at most " + MAX_REASON + " characters (no reason is longer)");
        }
        if (roomId != null && !WebexIds.isValid(roomId)) {
            throw new IllegalArgumentException("roomId is not a Webex id (base64url, at most " + WebexIds.MAX_LENGTH
                    + " characters)");
        }
    }

    /**
     * Whether the letter is one of these: its queue, its room ({@code JMSXGroupID}), and its reason containing the
     * text, ignoring case, as written or as its {@link #kind} (so that a kind from a listing's {@code reasons}
     * selects every letter of that kind).
     */
    public boolean matches(DeadLetter letter) {
        if (queue != null && !queue.equals(letter.queue()) || roomId != null && !roomId.equals(letter.roomId())) {
            return false;
        }
        if (reason == null) {
            return true;
        }
        String wanted = reason.toLowerCase(Locale.ROOT);
        String written = letter.reason() == null ? "" : letter.reason();
        return written.toLowerCase(Locale.ROOT).contains(wanted) || kind(written).toLowerCase(Locale.ROOT).contains(wanted);
    }

    /**
     * The reason with what varies per letter masked as {@code …}: one kind per failure, e.g.
     * {@code WebexApiException: Webex POST /messages answered 403 "…" (trackingId=…)}.
     */
    public static String kind(String reason) {
        if (reason == null) {
            return "";
        }
        return VARYING.matcher(TRACKING_ID.matcher(reason).replaceAll("trackingId=…")).replaceAll("…");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
