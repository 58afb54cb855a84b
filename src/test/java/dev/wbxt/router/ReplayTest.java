package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import dev.wbxt.router.recording.RecordingReplay;
import dev.wbxt.router.recording.ReplayCommand;
import dev.wbxt.router.recording.ReplayResult;
import org.junit.jupiter.api.Test;

/**
 * The replay (README "Recording and replay") against the real service on its own simulator, over HTTP, with the
 * recordings as files on disk: the shipped recording of the lab's flow (hello, a card, its submit, and the bot's own
 * three messages) replays the same against routes/; an edited route makes it differ, named by event and field, exit
 * 1; a destination receives nothing from a replay; and every recording that cannot be replayed is exit 2 with one
 * line naming the line of the file, before anything starts, the file left as it was.
 */
class ReplayTest {
    static final Path LAB_FLOW = RouterProcess.BASEDIR.resolve("src/test/resources/recordings/lab-flow.jsonl");
    static final Path ROUTES = RouterProcess.BASEDIR.resolve("routes");

    @Test
    void theShippedLabFlowReplaysAsRecorded() {
        RecordingReplay.assertSame(LAB_FLOW, ROUTES);
    }

    @Test
    void anEditedRouteMakesTheReplayDifferByEventAndField() throws IOException {
        Path routes = copyOfRoutes("edited-echo");
        Path commands = routes.resolve("31-commands.yaml");
        String echo = "        - bean: {ref: echoReplies, method: replyEcho}";
        String shipped = Files.readString(commands);
        assertTrue(shipped.contains(echo), "the shipped echo step is where this test edits it");
        Files.writeString(commands, shipped.replace(echo,
                "        - setVariable: {name: reply, method: {ref: botKit, method: \"answer(*, 'You said: ${variable.command[text]}')\"}}"
                        + "\n        # " + echo.strip()));

        Run run = replay(LAB_FLOW.toString(), "--routes", routes.toString());
        System.out.println("[ReplayTest] edited echo:\n" + run.out);

        assertEquals(1, run.exitCode, run.out + run.err);
        assertTrue(run.out.contains("2 of 6 event(s) differ"), run.out);
        assertTrue(run.out.contains("event 1 (line 2, messages:created:"), run.out);
        assertTrue(run.out.contains("): reply 1 markdown\n    recorded: \"Webhook `messages/created` received:"), run.out);
        assertTrue(run.out.contains("    replayed: \"You said: hello\""), run.out);
        // the pasted card: the recorded reply was the card, the edited route answers text
        assertTrue(run.out.contains("event 3 (line 4, messages:created:"), run.out);
        assertTrue(run.out.contains("): reply 1 attachments\n    recorded: [{\"content\":{\"type\":\"AdaptiveCard\""), run.out);
        // the card submit, and the bot's own messages, are answered as recorded
        assertTrue(!run.out.contains("event 5 ") && !run.out.contains("event 2 "), run.out);
    }

    @Test
    void aReplayDeliversNothingToTheDestinations() throws Exception {
        try (HttpSink sink = new HttpSink()) {
            Path routes = copyOfRoutes("with-destination");
            Files.writeString(routes.resolve("96-sink.yaml"), DestinationSettingsTest.destination("forward-sink", "sink",
                    "kamelet:http-destination?url=RAW(" + sink.url() + ")", "maxAttempts", "1"));

            ReplayResult result = RecordingReplay.replay(LAB_FLOW, routes, Map.of());

            assertTrue(result.same(), result.report()); // forwards are recorded where the routes hand them over
            // the replay has returned: its service is stopped, so nothing can reach the sink any more
            assertEquals(List.of(), sink.received());
        }
    }

    /** Each recording that cannot be replayed, and the one line that says why. */
    @Test
    void aRecordingThatCannotBeReplayedIsExitTwoWithOneLine() throws IOException {
        List<String> lab = Files.readAllLines(LAB_FLOW);
        String header = lab.get(0);
        String event = lab.get(1);
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("[{\"recording\": \"webex-event-router\",\n  \"version\": 1}]\n", " line 1 is not JSON: ");
        cases.put("hello\n", " line 1 is not JSON: ");
        cases.put("[1, 2]\n", " line 1 is not a JSON object");
        cases.put(event + "\n", " line 1: a recording starts with its header {\"recording\":\"webex-event-router\","
                + "\"version\":1,...}; this line is not one (is it a recording of webex-event-router?)");
        cases.put(header.replace("\"version\":1", "\"version\":2") + "\n" + event + "\n",
                " line 1: recording version 2 is not known: this replay reads version 1");
        cases.put(header.replace("\"version\":1,", "") + "\n" + event + "\n", " line 1: the header has no \"version\"");
        cases.put("{\"recording\": \"someone-else\", \"version\": 1}\n",
                " line 1: not a recording of webex-event-router (\"recording\": \"someone-else\")");
        cases.put(header + "\n", " holds no event to replay (only its header)");
        cases.put("", " is empty: a recording starts with its header line");
        cases.put(header + "\n" + event.replace("\"replies\":", "\"answers\":") + "\n",
                " line 2: \"replies\" is missing (every event has notification, webex, replies, forwards)");
        cases.put(header + "\n" + event.replaceFirst("\"webex\":\\[", "\"webex\":{\"x\":[") .replaceFirst(
                "],\"replies\"", "]},\"replies\"") + "\n", " line 2: \"webex\" must be a list");
        cases.put(header + "\n" + event.replaceFirst("\"resource\":\"messages\",", "") + "\n",
                " line 2: the notification is not one the receiver takes: not a Webex notification: resource, event "
                        + "and data.id are required");
        cases.put(header + "\n" + event + "\n" + event.substring(0, 200) + "\n", " line 3 is not JSON: ");
        Path dir = Files.createDirectories(RouterProcess.BASEDIR.resolve("target/test-data/bad-recordings-" + UUID.randomUUID()));
        int n = 0;
        for (Map.Entry<String, String> bad : cases.entrySet()) {
            Path file = dir.resolve("bad-" + (++n) + ".jsonl");
            Files.writeString(file, bad.getKey());
            assertOneLine(replay(file.toString()), "webex-event-router: replay: " + file + bad.getValue());
            assertEquals(bad.getKey(), Files.readString(file), "the recording is only read");
        }
        Path latin1 = dir.resolve("latin-1.jsonl");
        Files.write(latin1, "{\"recording\": \"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1));
        assertOneLine(replay(latin1.toString()), "webex-event-router: replay: " + latin1 + " is not UTF-8 text: not a recording");
        assertOneLine(replay(dir.resolve("none.jsonl").toString()),
                "webex-event-router: replay: " + dir.resolve("none.jsonl") + ": no such file");
        assertOneLine(replay(), "usage: webex-event-router replay FILE [--routes DIR]");
        Run typo = replay(LAB_FLOW.toString(), "--route", "routes");
        assertEquals(2, typo.exitCode);
        assertTrue(typo.err.startsWith("webex-event-router: replay: unknown argument --route"), typo.err);
    }

    private static void assertOneLine(Run run, String expectedStart) {
        assertEquals(2, run.exitCode, run.out + run.err);
        assertEquals("", run.out, "nothing is replayed");
        List<String> lines = run.err.lines().toList();
        assertEquals(1, lines.size(), run.err);
        assertTrue(lines.get(0).startsWith(expectedStart), "expected\n" + expectedStart + "\nin\n" + lines.get(0));
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run replay(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = Stream.concat(Stream.of("replay"), Stream.of(args)).toArray(String[]::new);
        int exitCode = ReplayCommand.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A copy of the shipped routes/, to edit. */
    static Path copyOfRoutes(String name) throws IOException {
        Path routes = Files.createDirectories(RouterProcess.BASEDIR.resolve("target/test-data")
                .resolve(name + "-" + UUID.randomUUID()).resolve("routes"));
        try (Stream<Path> shipped = Files.list(ROUTES)) {
            for (Path file : shipped.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        return routes;
    }
}
