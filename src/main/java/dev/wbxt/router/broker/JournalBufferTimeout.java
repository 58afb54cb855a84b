package dev.wbxt.router.broker;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NIO journal's buffer timeout matched to the disk, as {@code artemis create} does it
 * ({@code artemis-cli SyncCalculation.syncTest} + {@code toNanos}): write 250 blocks of 4 KiB, each synced as the
 * journal syncs ({@code FileChannel.force(false)}, the NIO journal's datasync), best of 5 tries, and the timeout is
 * the time of one synced write.
 * <p>
 * Why it matters: the journal collects the writes that arrive within the timeout and syncs them together. Artemis'
 * NIO default, 3.33 ms, allows at most 300 syncs a second and makes every acknowledgement wait up to 3.33 ms, on a
 * disk that syncs a small append in about 0.2 ms (issue 11). At the disk's own sync time the journal syncs as often
 * as the disk can, and batches exactly what arrives while the previous sync runs.
 * <p>
 * Measured once, at the first start on a DATA_DIR (about 250 synced writes: a fraction of a second on a local SSD),
 * and stored in {@code DATA_DIR/broker/journal-buffer-timeout.properties}: later starts read it. Delete the file to
 * measure again (e.g. after moving DATA_DIR to another disk); {@code broker.journal-buffer-timeout-us} overrides both.
 */
final class JournalBufferTimeout {
    private static final Logger LOG = LoggerFactory.getLogger(JournalBufferTimeout.class);
    static final String FILE = "journal-buffer-timeout.properties";
    private static final String KEY = "buffer-timeout-ns";
    private static final int BLOCK = 4096;
    private static final int BLOCKS = 250;
    private static final int TRIES = 5;
    /** Below a microsecond (tmpfs, a disk that ignores syncs) a timer only spins. */
    private static final long FLOOR_NANOS = 1_000;

    private JournalBufferTimeout() {
    }

    /**
     * @param brokerDir  {@code DATA_DIR/broker}
     * @param overrideUs {@code broker.journal-buffer-timeout-us}; empty: the stored or measured figure
     * @return the timeout in nanoseconds, for {@code Configuration.setJournalBufferTimeout_NIO}
     */
    static int resolve(Path brokerDir, String overrideUs) throws IOException {
        if (!overrideUs.isBlank()) {
            int nanos = (int) Math.max(FLOOR_NANOS, Math.round(Double.parseDouble(overrideUs.trim()) * 1000));
            LOG.info("Journal buffer timeout {} µs (broker.journal-buffer-timeout-us)", micros(nanos));
            return nanos;
        }
        Path file = brokerDir.resolve(FILE);
        if (Files.exists(file)) {
            Properties stored = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                stored.load(in);
            }
            String value = stored.getProperty(KEY, "").trim();
            if (!value.isEmpty()) {
                int nanos = Integer.parseInt(value);
                LOG.info("Journal buffer timeout {} µs (measured at the first start, {})", micros(nanos), file);
                return nanos;
            }
        }
        Files.createDirectories(brokerDir);
        long started = System.nanoTime();
        int nanos = (int) Math.max(FLOOR_NANOS, Math.min(Integer.MAX_VALUE, measure(brokerDir)));
        Properties measured = new Properties();
        measured.setProperty(KEY, String.valueOf(nanos));
        try (Writer out = Files.newBufferedWriter(file)) {
            measured.store(out, "One synced 4 KiB write in this folder, measured " + Instant.now()
                    + " (best of " + TRIES + " x " + BLOCKS + "); delete this file to measure again");
        }
        LOG.info("Journal buffer timeout {} µs: one synced write in {}, measured now in {} ms and stored in {}",
                micros(nanos), brokerDir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), file);
        return nanos;
    }

    /** Nanoseconds per synced 4 KiB write in {@code dir}: the best of the tries. */
    static long measure(Path dir) throws IOException {
        Path file = Files.createTempFile(dir, "journal-sync-test", ".tmp");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);
            byte[] fill = new byte[BLOCK];
            Arrays.fill(fill, (byte) 't');
            // Allocated first, as the journal's files are: the test measures appends in place, not file growth.
            for (int i = 0; i < BLOCKS; i++) {
                block.clear().put(fill).flip();
                channel.write(block);
            }
            channel.force(true);
            long best = Long.MAX_VALUE;
            for (int t = 0; t < TRIES; t++) {
                channel.position(0);
                long start = System.nanoTime();
                for (int i = 0; i < BLOCKS; i++) {
                    block.clear().put(fill).flip();
                    channel.write(block);
                    channel.force(false);
                }
                best = Math.min(best, System.nanoTime() - start);
            }
            return best / BLOCKS;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static String micros(int nanos) {
        return String.format("%.1f", nanos / 1000.0);
    }
}
