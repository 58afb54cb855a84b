package dev.wbxt.router.recording;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.wbxt.router.ops.RouterMetrics.RecordingCounters;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recording file: processed events become lines on a thread of its own ({@code wbxt-recording}), never on the
 * processing threads, which only put the event in a bounded queue ({@code recording.max-queued}) and go on. A full
 * queue or a failed write (a full disk) loses that line only, never the event: it is a WARN line (the first, then at
 * most one a minute with the count) and {@code wbxt_recording_dropped_total{reason}}. The file is rotated like a log
 * file: before a line would take it past {@code recording.max-file-mb} it becomes {@code <file>.1} (the older ones
 * move up, the one past {@code recording.rotate-count} is deleted), and a new file starts with a header. An attempt
 * that failed is not written: the event is tried again, and that attempt is.
 * <p>
 * Written by hand rather than through a log4j appender: each file needs the recording's header, each lost line a
 * metric, and the queue must drop rather than block; log4j's AsyncAppender blocks or drops silently, and its rolling
 * file has no header of its own per file that carries the format version.
 */
public final class RecordingFile extends ServiceSupport implements RecordingSink {
    private static final Logger LOG = LoggerFactory.getLogger(RecordingFile.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private final RecordingSettings settings;
    private final Redaction redaction;
    private final RecordingCounters counters;
    private final BlockingQueue<RecordedEvent> queue;
    private volatile boolean stopping;
    private Thread writer;
    // the writer thread's own (and the starting thread's, before the writer exists)
    private OutputStream out;
    private long size;
    /** The size of the file's header: a file that holds no event yet is not rotated. */
    private long headerSize;
    /** Lines written into the buffer since its last flush: counted as written once flushed. */
    private int pending;
    private long lostSinceWarning;
    private long lastWarningNanos;
    private boolean warned;

    public RecordingFile(RecordingSettings settings, RecordingCounters counters) {
        this.settings = settings;
        this.redaction = Redaction.of(settings.redact());
        this.counters = counters;
        this.queue = new ArrayBlockingQueue<>(settings.maxQueued());
    }

    /** On a processing thread: queued for the writer, or counted as lost when the queue is full. */
    @Override
    public void accept(RecordedEvent event) {
        if (event.failure() == null && !queue.offer(event)) {
            counters.queueFull().increment();
            synchronized (this) {
                lost("the recording's queue is full (recording.max-queued " + settings.maxQueued() + ")");
            }
        }
    }

    /** Opens the file at start, so that a path that cannot be opened for writing stops the start with one line. */
    @Override
    protected void doStart() {
        try {
            open();
        } catch (IOException | RuntimeException e) {
            throw settings.unwritable(e); // checked at the start already: this is a file removed in between
        }
        stopping = false;
        writer = new Thread(this::writeAll, "wbxt-recording");
        writer.setDaemon(true);
        writer.start();
        LOG.info("Recording every processed event to {} (at most {} MB a file, {} rotated files kept{})",
                settings.file().toAbsolutePath(), settings.maxFileBytes() / (1024 * 1024), settings.rotateCount(),
                settings.redact().isEmpty() ? "" : ", redacted: " + String.join(",", redaction.labels()));
    }

    /** After the routes have stopped: what is queued is written, then the file is closed. */
    @Override
    protected void doStop() throws InterruptedException {
        stopping = true;
        if (writer != null) {
            writer.join(TimeUnit.SECONDS.toMillis(10));
            writer = null;
        }
    }

    private void writeAll() {
        try {
            while (true) {
                RecordedEvent event = queue.poll(200, TimeUnit.MILLISECONDS);
                if (event == null) {
                    if (stopping) {
                        break;
                    }
                    continue;
                }
                write(event);
                if (queue.isEmpty()) {
                    flush(); // lines reach the file as soon as the writer has caught up
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeFile();
        }
    }

    private void write(RecordedEvent event) {
        byte[] line;
        try {
            line = (RecordingFormat.JSON.writeValueAsString(RecordingFormat.event(event, redaction)) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            failed("event " + event.key() + " could not be written as JSON: " + e);
            return;
        }
        try {
            if (out == null) {
                open(); // again, after a failed write
            }
            if (size + line.length > settings.maxFileBytes() && size > headerSize) {
                rotate();
            }
            pending++;
            out.write(line);
            size += line.length;
        } catch (IOException | RuntimeException e) {
            writeFailed(e);
        }
    }

    /** The lines in the buffer are lost with it (a line may be in the file in part: a reader says which line). */
    private void writeFailed(Exception e) {
        int lost = Math.max(1, pending);
        pending = 0;
        counters.writeFailed().increment(lost);
        synchronized (this) {
            lostSinceWarning += lost - 1;
            lost("writing " + settings.file() + " failed: " + e);
        }
        OutputStream broken = out; // given up: opened again for the next line
        out = null;
        if (broken != null) {
            try {
                broken.close();
            } catch (IOException ignored) {
                // the failure is reported above
            }
        }
    }

    private void failed(String why) {
        counters.writeFailed().increment();
        synchronized (this) {
            lost(why);
        }
    }

    /** One WARN line for the first event lost, then at most one a minute, with how many were lost since. */
    private void lost(String why) {
        lostSinceWarning++;
        long now = System.nanoTime();
        if (!warned || now - lastWarningNanos >= WARN_EVERY_NANOS) {
            LOG.warn("Recording: {} event(s) not recorded ({}); the events themselves were processed. "
                    + "See wbxt_recording_dropped_total", lostSinceWarning, why);
            warned = true;
            lastWarningNanos = now;
            lostSinceWarning = 0;
        }
    }

    private void open() throws IOException {
        Path file = settings.file();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                64 * 1024);
        size = Files.size(file);
        byte[] header = (RecordingFormat.JSON.writeValueAsString(RecordingFormat.header(redaction, Instant.now())) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        out.write(header); // flushed with the first event: a full disk is a lost line, not a failed start
        size += header.length;
        headerSize = size;
    }

    /** {@code <file>} becomes {@code <file>.1}, {@code .1} becomes {@code .2}…; the one past the count is deleted. */
    private void rotate() throws IOException {
        closeFile();
        Path file = settings.file();
        Files.deleteIfExists(rotated(settings.rotateCount()));
        for (int i = settings.rotateCount() - 1; i >= 1; i--) {
            if (Files.exists(rotated(i))) {
                Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    private Path rotated(int n) {
        Path file = settings.file();
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    private void flush() {
        if (out == null) {
            return;
        }
        try {
            out.flush();
            counters.written().increment(pending);
            pending = 0;
        } catch (IOException e) {
            writeFailed(e);
        }
    }

    private void closeFile() {
        flush(); // on a failure, the stream is given up and out is null
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.warn("Recording: closing {} failed: {}", settings.file(), e.toString());
            }
            out = null;
        }
    }
}
