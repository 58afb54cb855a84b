package dev.wbxt.router.recording;

import java.nio.file.Path;
import java.util.List;

/**
 * What a replay found: for each recorded event, in the recording's order, how what the routes did differs from what
 * was recorded ({@link ReplayDiff}); the same when no event differs.
 */
public final class ReplayResult {
    /**
     * One recorded event: its number in the replay (1, 2…), its line in the file, its dedupe key, and the
     * differences (none: the same), each naming the field with the recorded and the replayed value.
     */
    public record EventResult(int number, int line, String key, List<String> differences) {
        public boolean same() {
            return differences.isEmpty();
        }
    }

    private final Path recording;
    private final Path routes;
    private final List<EventResult> events;
    private final List<Integer> repeatedLines;

    ReplayResult(Path recording, Path routes, List<EventResult> events, List<Integer> repeatedLines) {
        this.recording = recording;
        this.routes = routes;
        this.events = List.copyOf(events);
        this.repeatedLines = repeatedLines;
    }

    public boolean same() {
        return events.stream().allMatch(EventResult::same);
    }

    public List<EventResult> events() {
        return events;
    }

    /** The report a person reads: one line when the same, else each differing event with its differences. */
    public String report() {
        StringBuilder out = new StringBuilder();
        long differing = events.stream().filter(e -> !e.same()).count();
        out.append("Replay of ").append(recording).append(" against ").append(routes).append(": ");
        if (differing == 0) {
            out.append(events.size()).append(" event(s), the same replies and forwards as recorded");
        } else {
            out.append(differing).append(" of ").append(events.size()).append(" event(s) differ");
        }
        if (!repeatedLines.isEmpty()) {
            out.append(" (lines ").append(repeatedLines).append(" repeat an event recorded before: not replayed)");
        }
        out.append('\n');
        for (EventResult event : events) {
            if (event.same()) {
                continue;
            }
            String name = "event " + event.number() + " (line " + event.line() + ", " + event.key() + "): ";
            for (String difference : ReplayDiff.firstOf(event.differences())) {
                out.append(name).append(difference).append('\n');
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return report();
    }
}
