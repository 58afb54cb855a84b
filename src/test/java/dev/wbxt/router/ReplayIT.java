package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The README's commands of "Recording and replay", run as a newcomer runs them: {@code java -jar
 * target/webex-event-router.jar replay src/test/resources/recordings/lab-flow.jsonl} from the project root exits 0
 * with the one line that says so; a file that is not a recording exits 2 with one line on stderr.
 */
class ReplayIT {
    private static final Duration QUICKLY = Duration.ofSeconds(120);

    @Test
    void theShippedRecordingReplaysTheSameFromTheJar() throws Exception {
        try (RouterProcess replay = RouterProcess.start("ReplayIT-lab-flow", RouterProcess.BASEDIR, Map.of(),
                command("src/test/resources/recordings/lab-flow.jsonl"))) {
            int exitCode = replay.awaitExit(QUICKLY);
            assertEquals(0, exitCode, replay.output());
            assertTrue(replay.stdout().contains("Replay of src/test/resources/recordings/lab-flow.jsonl against routes: "
                    + "6 event(s), the same replies and forwards as recorded"), replay.output());
            assertTrue(replay.stderr().isEmpty(), replay.output());
        }
    }

    @Test
    void aFileThatIsNotARecordingIsExitTwoWithOneLine() throws Exception {
        Path notARecording = RouterProcess.freshDir("ReplayIT").resolve("notes.txt");
        Files.writeString(notARecording, "remember to edit routes/31-commands.yaml\n");
        try (RouterProcess replay = RouterProcess.start("ReplayIT-not-a-recording", RouterProcess.BASEDIR, Map.of(),
                command(notARecording.toString()))) {
            assertEquals(2, replay.awaitExit(QUICKLY), replay.output());
            assertEquals(List.of("webex-event-router: replay: " + notARecording + " line 1 is not JSON: Unrecognized "
                    + "token 'remember': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"),
                    replay.stderr(), replay.output());
        }
    }

    private static List<String> command(String file) {
        return List.of(RouterProcess.JAVA.toString(), "-jar", RouterProcess.JAR.toString(), "replay", file);
    }
}
