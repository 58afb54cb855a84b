package dev.wbxt.router.recording;

import java.nio.file.Path;
import java.util.Map;

/**
 * Recordings as tests of routes (README "Recording and replay"), for a JUnit 5 test (or any other: a difference is
 * an {@link AssertionError}):
 * <pre>
 * &#64;Test
 * void theLabFlowIsAnsweredAsRecorded() {
 *     RecordingReplay.assertSame(Path.of("src/test/resources/recordings/lab-flow.jsonl"), Path.of("routes"));
 * }
 * </pre>
 * Each call starts the service on a simulator of its own, replays every recorded event and stops it (a few
 * seconds). A recording that cannot be replayed throws {@link RecordingException} (naming the line); a service that
 * does not start (a broken route), {@link IllegalStateException} with the reason.
 */
public final class RecordingReplay {
    private RecordingReplay() {
    }

    /** Fails with the report (each differing event, by field) unless the routes do what was recorded. */
    public static void assertSame(Path recording, Path routesDir) {
        assertSame(recording, routesDir, Map.of());
    }

    /** The same, with more settings for the service (keys of application.properties, e.g. bot.fallback). */
    public static void assertSame(Path recording, Path routesDir, Map<String, String> settings) {
        ReplayResult result = replay(recording, routesDir, settings);
        if (!result.same()) {
            throw new AssertionError(result.report());
        }
    }

    /** The replay's result, for a test that looks at it itself. */
    public static ReplayResult replay(Path recording, Path routesDir, Map<String, String> settings) {
        Recording read = Recording.read(recording);
        try {
            return Replay.run(read, routesDir, settings);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the replay of " + recording + " failed: " + e, e);
        }
    }
}
