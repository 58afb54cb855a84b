package dev.wbxt.router;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wbxt.router.recording.Recorder;
import dev.wbxt.router.recording.Recording;
import dev.wbxt.router.recording.RecordingReplay;
import dev.wbxt.router.webex.LogCapture;
import dev.wbxt.router.webex.WebexComponent;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

/**
 * The recording (README "Recording and replay") of the real service, fed by the simulator's signed webhooks over
 * HTTP, written to real files: what a line holds (the notification, the Webex answers, the replies, the CloudEvent),
 * that a recording made here replays the same, that no token, secret or signature is ever written, redaction,
 * rotation, a full disk (the lines are lost, never the events), wrong settings (the start stops with one line), and
 * that with the recording off nothing of it is installed.
 */
class RecordingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORWARD_SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString(
            "a forward secret of 32 bytes....".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    private static final Path ROUTES = routesWithAHooksCommand();

    @Test
    void recordsWhatTheRoutesGotAndDidAndReplaysTheSame() throws Exception {
        Path file = freshFile("lab-flow");
        String email = "alice-" + UUID.randomUUID() + "@example.com";
        List<JsonNode> lines;
        String cardId;
        try (RouterHarness router = recording(file, Map.of())) {
            String room = router.webex.directRoom(email);
            router.webex.say(email, room, "hello");
            router.webex.say(email, room, Files.readString(RouterProcess.BASEDIR.resolve("src/test/resources/lab-adaptive-card.json")));
            cardId = (String) router.webex.awaitBotMessages(room, 2, Duration.ofSeconds(20)).get(1).get("id");
            router.webex.submitCard(email, cardId, Map.of("input_text", "hi"));
            lines = awaitEvents(file, room, 6); // three of the user's, three the bot's own (in the order stored)
            String botId = (String) router.webex.bot().get("id");
            List<JsonNode> own = lines.stream().filter(l -> botId.equals(l.at("/notification/actorId").asText())).toList();
            List<JsonNode> users = lines.stream().filter(l -> !own.contains(l)).toList();
            assertEquals(3, own.size());

            JsonNode hello = users.get(0);
            String helloId = hello.at("/notification/data/id").asText();
            String delivered = router.webex.deliveriesAfter(0).stream().map(d -> String.valueOf(d.get("payload")))
                    .filter(p -> p.contains(helloId)).findFirst().orElseThrow();
            assertEquals(JSON.readTree(delivered), hello.get("notification"), "the notification as Webex sent it");
            assertEquals("messages:created:" + helloId, hello.get("key").asText());
            assertEquals(List.of("me", "getMessage", "getRoom", "getPerson"), operations(hello));
            assertEquals("hello", hello.at("/webex/1/answer/text").asText());
            assertEquals(helloId, hello.at("/webex/1/id").asText());
            assertEquals(room, hello.at("/replies/0/roomId").asText());
            assertTrue(hello.at("/replies/0/markdown").asText().contains("said:** hello"), hello.toString());
            assertEquals(1, hello.get("forwards").size());
            assertEquals("com.webex.messages.created", hello.at("/forwards/0/type").asText());
            assertEquals(room, hello.at("/forwards/0/subject").asText());
            assertEquals("hello", hello.at("/forwards/0/data/message/text").asText());

            for (JsonNode mine : own) { // the bot's own messages: dropped by the loop guard before any other call
                assertEquals(List.of("me"), operations(mine));
                assertEquals(0, mine.get("replies").size());
                assertEquals(0, mine.get("forwards").size());
            }
            assertEquals("application/vnd.microsoft.card.adaptive", users.get(1).at("/replies/0/attachments/0/contentType").asText());
            JsonNode submit = users.get(2);
            assertEquals(List.of("me", "getAttachmentAction", "getPerson", "getMessage"), operations(submit));
            assertEquals(cardId, submit.at("/replies/0/parentId").asText(), "answered under the card");
        }
        // what was recorded here replays the same (after the service stopped: one service per JVM)
        RecordingReplay.assertSame(file, ROUTES);
    }

    @Test
    void neverWritesATokenASecretOrASignature() throws Exception {
        Path file = freshFile("secrets");
        try (HttpSink sink = new HttpSink();
             RouterHarness router = recording(file, Map.of("forward.url", sink.url(), "forward.secret", FORWARD_SECRET))) {
            String email = "bob-" + UUID.randomUUID() + "@example.com";
            String room = router.webex.directRoom(email);
            router.webex.say(email, room, "hooks"); // a command that lists the bot's webhooks: their secrets are in the answer
            router.webex.say(email, room, "hello");
            awaitEvents(file, room, 4);
            await("the signed forward").atMost(Duration.ofSeconds(20)).until(() -> sink.received().stream()
                    .anyMatch(r -> r.body().contains(room)));

            String recorded = Files.readString(file);
            List<String> never = new ArrayList<>(List.of(RouterHarness.TOKEN, RouterHarness.SECRET, FORWARD_SECRET,
                    FORWARD_SECRET.substring("whsec_".length()), "Bearer", "X-Spark-Signature", "Authorization"));
            for (Map<String, Object> delivery : router.webex.deliveriesAfter(0)) {
                never.add(router.sign(String.valueOf(delivery.get("payload")))); // each webhook's X-Spark-Signature
            }
            for (HttpSink.Received forward : sink.received()) {
                never.addAll(forward.headers().getOrDefault("Webhook-signature", List.of())); // each forward's signature
            }
            assertTrue(never.size() > 10, never.toString());
            for (String secret : never) {
                assertFalse(recorded.contains(secret), "written: " + secret);
            }
            JsonNode hooks = awaitEvents(file, room, 4).stream().filter(l -> operations(l).contains("listWebhooks"))
                    .findFirst().orElseThrow();
            JsonNode listed = hooks.at("/webex/" + operations(hooks).indexOf("listWebhooks") + "/answer");
            assertTrue(listed.size() >= 3, hooks.toString());
            listed.forEach(webhook -> assertEquals("***", webhook.get("secret").asText(), webhook.toString()));
        }
    }

    /** The service with the recording on into {@code file}, the routes with the hooks command, and its webhooks. */
    private static RouterHarness recording(Path file, Map<String, String> more) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(Map.of("recording.enabled", "true",
                "recording.file", file.toString(), "routes.dir", ROUTES.toString()));
        settings.putAll(more);
        RouterHarness router = new RouterHarness(settings);
        router.start();
        router.registerWebhooks();
        return router;
    }

    @Test
    void redactsTextAndEmailsAndTheRecordingStillReplays() throws Exception {
        Path file = freshFile("redacted");
        try (RouterHarness redacting = new RouterHarness(Map.of("recording.enabled", "true",
                "recording.file", file.toString(), "recording.redact", "text, emails"))) {
            redacting.start();
            redacting.registerWebhooks();
            String email = "carol-" + UUID.randomUUID() + "@example.com";
            String room = redacting.webex.directRoom(email);
            redacting.webex.say(email, room, "hello, my private words");
            awaitEvents(file, room, 2);
        }
        String recorded = Files.readString(file);
        assertTrue(recorded.startsWith("{\"recording\":\"webex-event-router\",\"version\":1,\"redacted\":[\"text\",\"emails\"]"),
                recorded);
        assertFalse(recorded.contains("private words"), recorded);
        assertFalse(recorded.contains("@example.com"), recorded);
        assertFalse(recorded.contains("echo-bot@webex.bot"), recorded);
        assertTrue(recorded.contains("\"text\":\"[redacted]\""), recorded);
        assertTrue(recorded.matches("(?s).*\"personEmail\":\"[0-9a-f]{12}@redacted\\.invalid\".*"), recorded);
        // the routes take the same way with the placeholder (the fallback echo), and the replay redacts what it sees
        RecordingReplay.assertSame(file, ReplayTest.ROUTES);
    }

    @Test
    void rotatesLikeALogFile() throws Exception {
        Path file = freshFile("rotated");
        Path rotated = file.resolveSibling(file.getFileName() + ".1");
        try (RouterHarness rotating = new RouterHarness(Map.of("recording.enabled", "true",
                "recording.file", file.toString(), "recording.max-file-mb", "1", "recording.rotate-count", "1"))) {
            rotating.start();
            rotating.registerWebhooks();
            List<String> emails = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                emails.add("rot-" + i + "-" + UUID.randomUUID() + "@example.com");
            }
            String text = "x".repeat(6000); // about 25 KB a line: the message, its echo and its CloudEvent hold it
            String last = null;
            for (int n = 0; n < 140; n++) {
                String email = emails.get(n % emails.size());
                last = (String) rotating.newMessage(email, rotating.webex.directRoom(email), n + " " + text).get("id");
            }
            String lastId = last;
            // In either file: an event recorded after it (the bot's echo, say) may rotate its line
            // into the old one. The minutes are a guard against a hang, not a time bound: 140 messages of 6 KB took
            // over the former 60 s once on a noisy 2-core machine (CI, 2026-12-08).
            await("the last message recorded").atMost(Duration.ofMinutes(5)).until(() -> {
                String key = "\"key\":\"messages:created:" + lastId + "\"";
                return Files.readString(file).contains(key)
                        || Files.exists(rotated) && Files.readString(rotated).contains(key);
            });
        }
        assertTrue(Files.exists(rotated), "rotated once at least");
        assertFalse(Files.exists(file.resolveSibling(file.getFileName() + ".2")), "rotate-count 1: one old file kept");
        int events = 0;
        for (Path f : List.of(file, rotated)) {
            assertTrue(Files.size(f) <= 1024 * 1024, f + " is " + Files.size(f) + " bytes");
            assertTrue(Files.readAllLines(f).get(0).startsWith("{\"recording\":\"webex-event-router\",\"version\":1"));
            events += Recording.read(f).events().size(); // each file is a recording of its own
        }
        System.out.printf("[RecordingTest] rotation: %d + %d bytes, %d events kept of 280%n", Files.size(file),
                Files.size(rotated), events);
        assertTrue(events < 280, "the oldest file was deleted: " + events + " events kept");
    }

    @Test
    void aFullDiskLosesLinesNeverEvents() throws Exception {
        Path file = freshFile("full-disk");
        Files.createSymbolicLink(file, Path.of("/dev/full")); // every write: ENOSPC, as a full disk answers
        try (LogCapture log = LogCapture.start(Level.WARN, "dev.wbxt.router.recording.RecordingFile");
             RouterHarness full = new RouterHarness(Map.of("recording.enabled", "true", "recording.file", file.toString()))) {
            full.start();
            String room = full.webex.directRoom("dave@example.com");
            List<Map<String, Object>> replies = full.sendMarker("dave@example.com", room); // processed and answered
            assertEquals(1, replies.size());
            await("the lost line counted").atMost(Duration.ofSeconds(10))
                    .until(() -> full.metric("wbxt_recording_dropped_total{reason=\"write_error\"}") >= 1);
            assertEquals(0.0, full.metric("wbxt_recording_events_total"));
            await("a WARN line").atMost(Duration.ofSeconds(10)).until(() -> !log.lines.isEmpty());
            String line = log.lines.get(0);
            assertTrue(line.startsWith("WARN dev.wbxt.router.recording.RecordingFile Recording: 1 event(s) not recorded "
                    + "(writing " + file + " failed: java.io.IOException: No space left on device); the events themselves "
                    + "were processed"), line);
        }
    }

    @Test
    void wrongSettingsStopTheStartWithOneLine() throws Exception {
        Path folder = Files.createDirectories(freshFile("a-folder"));
        Map<Map<String, String>, String> cases = new LinkedHashMap<>();
        cases.put(Map.of("recording.redact", "text,names"),
                "recording.redact (RECORDING_REDACT) may list text and emails (comma-separated), not 'text,names'");
        cases.put(Map.of("recording.max-file-mb", "0"), "recording.max-file-mb (RECORDING_MAX_FILE_MB) must be at least 1, not 0");
        cases.put(Map.of("recording.enabled", "yes"), "recording.enabled (RECORDING_ENABLED) must be true or false, not 'yes'");
        cases.put(Map.of("recording.enabled", "true", "recording.file", folder.toString()),
                "recording.file (RECORDING_FILE) '" + folder + "' cannot be written: java.nio.file.FileSystemException");
        for (Map.Entry<Map<String, String>, String> bad : cases.entrySet()) {
            try (RouterHarness wrong = new RouterHarness(bad.getKey())) {
                Exception e = assertThrows(Exception.class, wrong::start);
                String line = WebexEventRouter.describe(e);
                assertTrue(line.contains(bad.getValue()), "expected\n" + bad.getValue() + "\nin\n" + line);
            }
        }
    }

    /** Off (the default): no policy on any route, no observer on the webex: component, no file. */
    @Test
    void offInstallsNothing() throws Exception {
        try (RouterHarness off = new RouterHarness()) {
            off.start();
            assertTrue(off.context().getRoutePolicyFactories().stream().noneMatch(Recorder.class::isInstance));
            assertNull(off.context().getComponent("webex", WebexComponent.class).getCallObserver());
            off.context().getRoutes().forEach(route -> route.getRoutePolicyList().forEach(policy -> assertFalse(
                    policy.getClass().getName().startsWith(Recorder.class.getName()), route.getId() + ": " + policy)));
            String room = off.webex.directRoom("erin@example.com");
            assertEquals(1, off.sendMarker("erin@example.com", room).size());
            assertFalse(Files.exists(off.dataDir.resolve("recording.jsonl")));
        }
    }

    /** The recorded events of that room, in order, once there are {@code count}. */
    private static List<JsonNode> awaitEvents(Path file, String room, int count) {
        return await(count + " events of " + room + " recorded").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> events(file, room), events -> events.size() >= count);
    }

    private static List<JsonNode> events(Path file, String room) {
        List<JsonNode> found = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                JsonNode node = JSON.readTree(line);
                if (!node.has("recording") && room.equals(node.at("/notification/data/roomId").asText())) {
                    found.add(node);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a line the writer has not finished: read again
        }
        return found;
    }

    private static List<String> operations(JsonNode event) {
        List<String> ops = new ArrayList<>();
        event.get("webex").forEach(call -> ops.add(call.get("operation").asText()));
        return ops;
    }

    private static Path freshFile(String name) throws IOException {
        return Files.createDirectories(RouterProcess.BASEDIR.resolve("target/test-data/" + name + "-" + UUID.randomUUID()))
                .resolve("recording.jsonl");
    }

    /** The shipped routes and a command {@code hooks} that lists the bot's webhooks (their secrets in the answer). */
    private static Path routesWithAHooksCommand() {
        try {
            Path routes = ReplayTest.copyOfRoutes("hooks-command");
            Files.writeString(routes.resolve("33-hooks.yaml"), """
                    - route:
                        id: command-hooks
                        description: "the bot's webhooks"
                        from:
                          uri: direct:command-hooks
                          steps:
                            - to: {uri: "webex:listWebhooks", variableReceive: hooks}
                            - setVariable: {name: reply, method: {ref: botKit, method: "answer(*, 'hooks listed')"}}
                    """);
            return routes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
