package dev.wbxt.router.recording;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code java -jar webex-event-router.jar replay FILE [--routes DIR]}: replays a recording against the routes on the
 * simulator and prints what differs (README "Recording and replay"). Exit codes: 0 the same replies and forwards as
 * recorded, 1 a difference (printed, by event and field), 2 the recording cannot be replayed (not a recording, an
 * unknown version, a missing field: one line naming the line of the file) or the service did not start (one line).
 */
public final class ReplayCommand {
    private static final String USAGE = "usage: webex-event-router replay FILE [--routes DIR]";

    private ReplayCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path file = null;
        Path routes = null;
        for (int i = 1; i < args.length; i++) {
            if ("--routes".equals(args[i]) && i + 1 < args.length) {
                routes = Path.of(args[++i]);
            } else if (file == null && !args[i].startsWith("--")) {
                file = Path.of(args[i]);
            } else {
                err.println("webex-event-router: replay: unknown argument " + args[i] + "\n" + USAGE);
                return 2;
            }
        }
        if (file == null) {
            err.println(USAGE);
            return 2;
        }
        Recording recording;
        try {
            recording = Recording.read(file);
        } catch (RecordingException e) {
            err.println("webex-event-router: replay: " + e.getMessage());
            return 2;
        }
        out.println("Replaying " + recording.events().size() + " event(s) of " + file + " on the simulator...");
        ReplayResult result;
        try {
            result = Replay.run(recording, routes, Map.of());
        } catch (Exception e) {
            err.println("webex-event-router: replay: " + e.getMessage());
            return 2;
        }
        out.print(result.report());
        return result.same() ? 0 : 1;
    }
}
