package dev.wbxt.router.webex;

import java.util.regex.Pattern;

/**
 * Webex ids are unpadded base64url strings of bounded length. Anything else (a slash, a dot, a percent sign,
 * a question mark...) could change the meaning of the URL it is spliced into, so it is refused before any call.
 */
public final class WebexIds {
    public static final int MAX_LENGTH = 300;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_LENGTH + "}={0,2}");

    private WebexIds() {
    }

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** Returns the id, or throws {@link IllegalArgumentException} naming the field (never echoing the value). */
    public static String require(String field, String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException(field + " is not a Webex id");
        }
        return id;
    }
}
