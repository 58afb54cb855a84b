package dev.wbxt.router.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.ToDoubleFunction;


/**
 * Whether the receiver may take one more event: not when the queue already holds more than it should, not when the
 * disk is nearly full. Refusing with 503 is safer than a silent loss: Webex delivers again, and disables a webhook
 * only after 100 failures in 5 minutes. (While the service stops, Camel's graceful shutdown has already stopped the
 * receiver's consumer, which answers 503 by itself.)
 */
public class Admission {
    private final String queue;
    private final long maxQueueDepth;
    private final Path dataDir;
    private final long minFreeDiskBytes;
    private final ToDoubleFunction<String> queueDepth;

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
            throw new RejectedWebhook(503, "backlog", "too many events are waiting to be processed; deliver it again later");
        }
        if (freeDisk() < minFreeDiskBytes) {
            throw new RejectedWebhook(503, "disk_full", "the disk is nearly full; deliver it again later");
        }
    }

    private long freeDisk() {
        try {
            return Files.getFileStore(dataDir).getUsableSpace();
        } catch (IOException e) {
            return 0; // cannot tell: do not promise to keep what may not be written
        }
    }
}
