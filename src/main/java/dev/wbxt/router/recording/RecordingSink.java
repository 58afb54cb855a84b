package dev.wbxt.router.recording;

/**
 * Where the {@link Recorder} hands each finished attempt: the recording file ({@link RecordingFile}), or a replay's
 * collector. Called on a processing thread: it must return at once, never block, never throw.
 */
@FunctionalInterface
public interface RecordingSink {
    void accept(RecordedEvent event);
}
