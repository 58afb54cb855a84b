package dev.wbxt.router.mercury;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The frame -> notification mapping, as a table of frames. */
class MercuryFramesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MESSAGE = "9f2a0a40-8b1d-11ee-a2c4-5b8e4a1f0c11";
    private static final String ROOM = "1b7c3e10-8b1d-11ee-8d3f-0d2e7a9b6c21";
    private static final String PERSON = "5e8d2c30-8b1d-11ee-9a1b-3c4d5e6f7a81";

    private static String frame(String eventType, String verb, String extra) {
        return "{\"id\":\"frame-1\",\"data\":{\"eventType\":\"" + eventType + "\",\"activity\":{\"id\":\"" + MESSAGE
                + "\",\"verb\":\"" + verb + "\",\"published\":\"2026-11-29T10:00:00.000Z\",\"actor\":{\"id\":\"" + PERSON
                + "\",\"emailAddress\":\"ada@example.com\",\"type\":\"PERSON\"},\"target\":{\"id\":\"" + ROOM
                + "\",\"objectType\":\"conversation\",\"tags\":[\"ONE_ON_ONE\"]}" + extra + "}}}";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> notification(String frame) throws Exception {
        MercuryFrames.Frame f = MercuryFrames.read(frame);
        assertEquals("frame-1", f.id());
        return JSON.readValue(f.notification().orElseThrow(), Map.class);
    }

    @Test
    void aPostIsMessagesCreatedWithTheRestIds() throws Exception {
        Map<String, Object> n = notification(frame("conversation.activity", "post", ""));
        assertEquals("messages", n.get("resource"));
        assertEquals("created", n.get("event"));
        assertEquals(MercuryFrames.restId("PEOPLE", PERSON), n.get("actorId"));
        assertEquals(Map.of("id", MercuryFrames.restId("MESSAGE", MESSAGE), "roomId", MercuryFrames.restId("ROOM", ROOM),
                "roomType", "direct", "personId", MercuryFrames.restId("PEOPLE", PERSON),
                "personEmail", "ada@example.com", "created", "2026-11-29T10:00:00.000Z"), n.get("data"));
        // the id is the one Webex's REST API uses: unpadded base64url of ciscospark://us/MESSAGE/<uuid>
        assertEquals("Y2lzY29zcGFyazovL3VzL01FU1NBR0UvOWYyYTBhNDAtOGIxZC0xMWVlLWEyYzQtNWI4ZTRhMWYwYzEx",
                MercuryFrames.restId("MESSAGE", MESSAGE));
    }

    @Test
    void aShareIsAMessageToo() throws Exception {
        assertEquals("messages", notification(frame("conversation.activity", "share", "")).get("resource"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCardActionIsAttachmentActionsCreatedWithItsMessage() throws Exception {
        Map<String, Object> n = notification(frame("conversation.activity", "cardAction",
                ",\"parent\":{\"id\":\"" + ROOM + "\",\"type\":\"cardAction\"}"));
        assertEquals("attachmentActions", n.get("resource"));
        Map<String, Object> data = (Map<String, Object>) n.get("data");
        assertEquals(MercuryFrames.restId("ATTACHMENT_ACTION", MESSAGE), data.get("id"));
        assertEquals(MercuryFrames.restId("MESSAGE", ROOM), data.get("messageId"));
        assertEquals(MercuryFrames.restId("ROOM", ROOM), data.get("roomId"));
    }

    @Test
    void otherVerbsEventTypesAndOddFramesCarryNoEvent() {
        assertEquals(Optional.empty(), MercuryFrames.read(frame("conversation.activity", "acknowledge", "")).notification());
        assertEquals(Optional.empty(), MercuryFrames.read(frame("status.start_typing", "post", "")).notification());
        assertEquals("frame-1", MercuryFrames.read(frame("status.start_typing", "post", "")).id());
        MercuryFrames.Frame notJson = MercuryFrames.read("not json");
        assertNull(notJson.id());
        assertTrue(notJson.notification().isEmpty());
        // an id that is not a UUID is never spliced into a REST id
        assertEquals(Optional.empty(), MercuryFrames.read(frame("conversation.activity", "post", "")
                .replace(MESSAGE, "../../people/me")).notification());
    }

    @Test
    void theAckAndTheAuthorizationAreTheFramesMercuryExpects() throws Exception {
        assertEquals(Map.of("type", "ack", "messageId", "frame-1"), JSON.readValue(MercuryFrames.ack("frame-1"), Map.class));
        assertEquals(Map.of("id", "a1", "type", "authorization", "data", Map.of("token", "Bearer t\"k")),
                JSON.readValue(MercuryFrames.authorization("a1", "t\"k"), Map.class));
    }
}
