package dev.wbxt.router.webex;

import dev.wbxt.router.retry.PermanentFailureException;

/**
 * Webex ids are unpadded base64url strings of bounded length. Anything else (a slash, a dot, a percent sign,
 * a question mark...) could change the meaning of the URL it is spliced into, so it is refused before any call.
 */
public final class WebexIds {
    public static final int MAX_LENGTH = 300;

    private WebexIds() {
    }

    /** {@code [A-Za-z0-9_-]{1,300}={0,2}}, checked by hand: every webhook checks up to ten ids, the regex cost 5% of it. */
    public static boolean isValid(String id) {
        if (id == null) {
            return false;
        }
        int end = id.length();
        for (int padding = 0; padding < 2 && end > 0 && id.charAt(end - 1) == '='; padding++) {
            end--;
        }
        if (end == 0 || end > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = id.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** Returns the id, or throws {@link PermanentFailureException} naming the field (never echoing the value). */
    public static String require(String field, String id) {
        if (!isValid(id)) {
            throw new PermanentFailureException(field + " is not a Webex id");
        }
        return id;
    }
}
