package dev.wbxt.router.deadletter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The kind of a reason (what the page groups letters by) and which letters a filter selects, as a table. */
class DeadLetterFilterTest {
    private static final String ROOM = "Y2lzY29zcGFyazovL3VzL1JPT00vYTBjODI3MWQtOWUwOS00YTcwLWE2OTYtN2Y2YjYwMjc0ZjJk";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // a reason as FailureRules writes it | its kind
            "WebexApiException: Webex POST /v1/messages answered 403 \"Forbidden\" (trackingId=ROUTER_65F2C1E4-1C2D-4B7A)"
                    + " | WebexApiException: Webex POST /v1/messages answered 403 \"Forbidden\" (trackingId=…)",
            "WebexApiException: Webex GET /v1/messages/Y2lzY29zcGFyazovL3VzL01FU1NBR0UvMTIz answered 404 \"gone\" (trackingId=SIM_1)"
                    + " | WebexApiException: Webex GET /v1/messages/… answered 404 \"gone\" (trackingId=…)",
            "PermanentFailureException: data.roomId is not a Webex id | PermanentFailureException: data.roomId is not a Webex id",
            "HttpOperationFailedException: HTTP operation failed invoking http://sink/5f0c2b7e-95e1-4c1e-b0a8-3f7c6d2a9e11 with statusCode: 400"
                    + " | HttpOperationFailedException: HTTP operation failed invoking http://sink/… with statusCode: 400",
            "moved by the broker to DLQ | moved by the broker to DLQ",
    })
    void whatDiffersPerLetterIsMasked(String reason, String kind) {
        assertEquals(kind, DeadLetterFilter.kind(reason));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // queue | reason | roomId | selected
            "-                 | -                      | -    | true",
            "wbxt.events.dlq   | -                      | -    | true",
            "wbxt.forward.x.dlq | -                     | -    | false",
            "-                 | answered 403           | -    | true",
            "-                 | ANSWERED 403           | -    | true",
            "-                 | answered 400           | -    | false",
            "-                 | (trackingId=…)         | -    | true",
            "-                 | trackingId=ROUTER_65F2 | -    | true",
            "-                 | -                      | room | true",
            "-                 | -                      | other | false",
            "wbxt.events.dlq   | answered 403           | room | true",
    })
    void aFilterSelectsByQueueReasonAsWrittenOrItsKindAndRoom(String queue, String reason, String room, boolean selected) {
        DeadLetter letter = new DeadLetter("id", "wbxt.events.dlq", "wbxt.events", "key", "messages", "created", ROOM,
                "WebexApiException: Webex POST /v1/messages answered 403 \"Forbidden\" (trackingId=ROUTER_65F2C1E4)",
                1, null, null, null);
        String roomId = room == null ? null : room.equals("room") ? ROOM : "Y2lzY29zcGFyazovL3VzL1JPT00vb3RoZXI";
        assertEquals(selected, new DeadLetterFilter(queue, reason, roomId).matches(letter));
    }

    @Test
    void aFilterThatCannotMatchAWellFormedLetterIsRefused() {
        IllegalArgumentException room = assertThrows(IllegalArgumentException.class,
                () -> new DeadLetterFilter(null, null, "a/../b"));
        assertTrue(room.getMessage().startsWith("roomId is not a Webex id"), room.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DeadLetterFilter(null, "x".repeat(501), null));
        assertEquals(DeadLetterFilter.ALL, new DeadLetterFilter(" ", "", null), "blank is no filter");
    }
}
