import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * The disk's own latency for what the embedded broker's journal does per acknowledgement: one 4 KiB write into a
 * file filled beforehand (the NIO journal's files are), then {@code FileChannel.force(false)} (its datasync), at a
 * fixed rate. The ack of a webhook waits for one such sync at least, so the tail of this distribution is a floor of
 * the service's ack latency that no change in the service moves. Prints one line "SYNCJSON {...}".
 * <p>
 * Usage: java -cp webex-event-router.jar:classes SyncProbe &lt;folder&gt; [rate/s] [seconds]
 * (the folder of DATA_DIR, e.g. /tmp: the file is created there and deleted after)
 */
public class SyncProbe {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int block = 4096;
        long fileBytes = 32L * 1024 * 1024; // one journal file
        Path file = Files.createTempFile(dir, "syncprobe", ".dat");
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ByteBuffer zeros = ByteBuffer.allocateDirect(1024 * 1024);
            for (long at = 0; at < fileBytes; at += zeros.capacity()) {
                zeros.clear();
                channel.write(zeros, at);
            }
            channel.force(true);
            ByteBuffer record = ByteBuffer.allocateDirect(block);
            long period = TimeUnit.SECONDS.toNanos(1) / rate;
            long count = (long) rate * seconds;
            long start = System.nanoTime();
            long position = 0;
            for (long i = 0; i < count; i++) {
                long due = start + i * period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long t0 = System.nanoTime();
                record.clear();
                record.putLong(0, i);
                channel.write(record, position);
                channel.force(false);
                histogram.recordValue(System.nanoTime() - t0);
                position = (position + block) % fileBytes;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        System.out.printf("SYNCJSON {\"rate\":%d,\"syncs\":%d,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,"
                        + "\"p999_ms\":%.3f,\"max_ms\":%.3f}%n", rate, histogram.getTotalCount(),
                ms(histogram, 50), ms(histogram, 90), ms(histogram, 99), ms(histogram, 99.9),
                histogram.getMaxValue() / 1e6);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e6;
    }
}
