package dev.wbxt.router.webex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What may be spliced into a Webex URL: unpadded or padded base64url of 1..300 characters, nothing else. */
class WebexIdsTest {
    @Test
    void base64UrlIdsWithUpToTwoPaddingCharactersAreValid() {
        assertTrue(WebexIds.isValid("Y2lzY29zcGFyazovL3VzL1JPT00vYmJjZWIxYWQtNDNmMS0zYjU4LTkxNDctZjE0YmIwYzRkMTU0"));
        assertTrue(WebexIds.isValid("a"));
        assertTrue(WebexIds.isValid("a-_Z9"));
        assertTrue(WebexIds.isValid("abc="));
        assertTrue(WebexIds.isValid("abc=="));
        assertTrue(WebexIds.isValid("x".repeat(WebexIds.MAX_LENGTH)));
        assertTrue(WebexIds.isValid("x".repeat(WebexIds.MAX_LENGTH) + "=="));
    }

    @Test
    void anythingThatCouldChangeAUrlIsRefused() {
        for (String bad : new String[] {null, "", "=", "==", "abc===", "a=b", "a/b", "../x", "a.b", "a%2F", "a?b",
                "a#b", "a b", "a+b", "é", "x".repeat(WebexIds.MAX_LENGTH + 1), "a\n"}) {
            assertFalse(WebexIds.isValid(bad), String.valueOf(bad));
        }
    }

    @Test
    void requireNamesTheFieldWithoutEchoingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WebexIds.require("roomId", "a/secret"));
        assertEquals("roomId is not a Webex id", e.getMessage());
        assertEquals("abc", WebexIds.require("roomId", "abc"));
    }
}
