package dev.wbxt.router.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

import dev.wbxt.router.config.RouterSettings;
import dev.wbxt.router.config.Settings;
import org.apache.camel.CamelContext;

/**
 * The {@code recording.*} settings (application.properties, README "Recording and replay"), read and checked at
 * start even while the recording is off, so that a typo shows before the day it is turned on.
 *
 * @param file         the file lines are appended to; rotated files are {@code <file>.1} (the newest) to
 *                     {@code <file>.<rotateCount>}
 * @param maxFileBytes a file is rotated before a line would take it past this size
 * @param rotateCount  rotated files kept; the oldest is deleted
 * @param maxQueued    processed events waiting for the writer, at most; beyond it an event is not recorded
 */
public record RecordingSettings(boolean enabled, Path file, long maxFileBytes, int rotateCount, int maxQueued,
                                Set<Redaction.Part> redact) {

    private static final String NAME = "recordingSettings";

    /**
     * Read and checked once per service, at the start before anything runs (WebexEventRouter), so that a wrong value
     * or a file that cannot be opened stops the start with one line before the broker or a port is opened.
     */
    public static RecordingSettings read(CamelContext context) {
        RecordingSettings bound = context.getRegistry().lookupByNameAndType(NAME, RecordingSettings.class);
        if (bound != null) {
            return bound;
        }
        RecordingSettings settings = read(Settings.of(context), RouterSettings.read(context).dataDir());
        if (settings.enabled()) {
            settings.checkFile();
        }
        context.getRegistry().bind(NAME, settings);
        return settings;
    }

    /** The file can be opened for appending (its folder made when missing); nothing is written to it here. */
    void checkFile() {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND).close();
        } catch (IOException | RuntimeException e) {
            throw unwritable(e);
        }
    }

    IllegalStateException unwritable(Exception e) {
        return new IllegalStateException(Settings.named("recording.file") + " '" + file.toAbsolutePath()
                + "' cannot be written: " + e, e);
    }

    static RecordingSettings read(Settings settings, Path dataDir) {
        String file = settings.text("recording.file");
        Set<Redaction.Part> redact = Redaction.parts(settings.list("recording.redact"));
        if (redact == null) {
            throw Settings.wrong("recording.redact", "may list text and emails (comma-separated), not '"
                    + settings.text("recording.redact") + "'");
        }
        return new RecordingSettings(settings.flag("recording.enabled"),
                file.isEmpty() ? dataDir.resolve("recording.jsonl") : Path.of(file),
                atLeastOne(settings, "recording.max-file-mb") * 1024L * 1024L,
                atLeastOne(settings, "recording.rotate-count"),
                atLeastOne(settings, "recording.max-queued"),
                redact);
    }

    private static int atLeastOne(Settings settings, String key) {
        int value = settings.number(key);
        if (value < 1) {
            throw Settings.wrong(key, "must be at least 1, not " + value);
        }
        return value;
    }
}
