package dev.wbxt.router.ingest;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Whether the receiver may take one more event: not when the queue already holds more than it should, not when the
 * disk is nearly full. Refusing with 503 is safer than a silent loss: Webex delivers again, and disables a webhook
 * only after 100 failures in 5 minutes. (While the service stops, Camel's graceful shutdown has already suspended the
 * receiver's consumer, which answers 503 by itself.)
 * <p>
 * The free disk is sampled at most once a second: {@code Files.getFileStore} resolves the real path, stats the parent
 * folders and reads {@code /proc/mounts} on every call (issue 11), and a second-old figure is as good a guard against
 * a filling disk. The file store is found once; only its free space is read again.
 * <p>
 * One line when the refusals start (WARN, with the figure and its bound) and one when webhooks are taken again
 * (INFO), not one per webhook ({@link RefusalLog}).
 */
public class Admission {
    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);
    private static final long DISK_SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private final String queue;
    private final long maxQueueDepth;
    private final Path dataDir;
    private final long minFreeDiskBytes;
    private final ToDoubleFunction<String> queueDepth;
    private volatile FileStore store;
    private volatile DiskSample disk = new DiskSample(0, System.nanoTime() - DISK_SAMPLE_NANOS);
    private final RefusalLog backlog = new RefusalLog(LOG, Level.WARN, "backlog", this::state);
    private final RefusalLog diskFull = new RefusalLog(LOG, Level.WARN, "disk_full", this::state);

    public Admission(String queue, long maxQueueDepth, Path dataDir, long minFreeDiskBytes,
                     ToDoubleFunction<String> queueDepth) {
        this.queue = queue;
        this.maxQueueDepth = maxQueueDepth;
        this.dataDir = dataDir;
        this.minFreeDiskBytes = minFreeDiskBytes;
        this.queueDepth = queueDepth;
    }

    /** Throws a 503 {@link RejectedWebhook} when the event cannot be taken now. */
    public void check() {
        double depth = queueDepth.applyAsDouble(queue);
        if (depth > maxQueueDepth) {
            backlog.refused(() -> String.format("%.0f events wait in %s, more than ingest.max-queue-depth (%d); taken "
                    + "again once processing has caught up", depth, queue, maxQueueDepth));
            throw new RejectedWebhook(503, "backlog", "too many events are waiting to be processed; deliver it again later");
        }
        long free = freeDisk();
        if (free < minFreeDiskBytes) {
            diskFull.refused(() -> String.format("%d MB free under %s, less than ingest.min-free-disk-mb (%d MB); taken "
                    + "again once there is room", free >> 20, dataDir.toAbsolutePath(), minFreeDiskBytes >> 20));
            throw new RejectedWebhook(503, "disk_full", "the disk is nearly full; deliver it again later");
        }
        backlog.taken();
        diskFull.taken();
    }

    /** For the line that says webhooks are taken again. */
    private String state() {
        return String.format("%.0f events wait in %s, %d MB free under %s", queueDepth.applyAsDouble(queue), queue,
                freeDisk() >> 20, dataDir.toAbsolutePath());
    }

    private long freeDisk() {
        DiskSample sample = disk;
        long now = System.nanoTime();
        if (now - sample.at() < DISK_SAMPLE_NANOS) {
            return sample.free();
        }
        // Two threads may both sample at the turn of a second: harmless, and cheaper than a lock on every webhook.
        long free;
        try {
            FileStore fs = store;
            if (fs == null) {
                store = fs = Files.getFileStore(dataDir);
            }
            free = fs.getUsableSpace();
        } catch (IOException e) {
            store = null;
            free = 0; // cannot tell: do not promise to keep what may not be written
        }
        disk = new DiskSample(free, now);
        return free;
    }

    private record DiskSample(long free, long at) {
    }
}
