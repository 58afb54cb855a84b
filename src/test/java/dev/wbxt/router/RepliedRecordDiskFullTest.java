package dev.wbxt.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.wbxt.router.processing.AppendOnlyIdempotentRepository;
import dev.wbxt.router.webex.LogCapture;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

/**
 * The replied-events record on a full disk (a tmpfs of its own, {@link ScratchDisk}): an add that cannot be written
 * neither fails nor leaves half a line; the key is kept in memory; one WARN line, one INFO line once lines are
 * written again; after a restart the file holds whole lines only, the keys written before and after the full disk.
 */
class RepliedRecordDiskFullTest {
    @Test
    void aFullDiskLeavesWholeLinesAndTheKeysInMemory() throws Exception {
        Path dir = RouterProcess.freshDir("replied-full");
        Path file = dir.resolve("replied-events.log");
        try (ScratchDisk disk = ScratchDisk.tmpfs(dir, 1);
             LogCapture log = LogCapture.start(Level.INFO, AppendOnlyIdempotentRepository.class.getName())) {
            AppendOnlyIdempotentRepository record = new AppendOnlyIdempotentRepository(file, 20);
            record.start();
            record.add("messages:created:before");
            disk.fill(0);
            for (int i = 0; i < 100; i++) { // 12 KB: past what the file's last page still takes
                assertTrue(record.add("messages:created:full-" + i + "-" + "x".repeat(100)));
            }
            assertTrue(record.contains("messages:created:full-99-" + "x".repeat(100)), "kept in memory");
            disk.release();
            record.add("messages:created:after");
            record.stop();
            System.out.println("[RepliedRecordDiskFullTest] " + log.lines);

            List<String> lines = Files.readAllLines(file);
            // the lines that fitted in the file's last page before the full disk refused one are there, whole
            assertEquals(List.of(), lines.stream().filter(l -> !l.matches("messages:created:(before|after|full-\\d+-x{100})"))
                    .toList(), "whole lines only");
            assertTrue(lines.contains("messages:created:before") && lines.contains("messages:created:after"), lines.toString());
            assertEquals(1, log.lines.stream().filter(l -> l.startsWith("WARN") && l.contains("Cannot record")).count(),
                    "one line when the writes start failing: " + log.lines);
            assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("INFO") && l.contains("again")), log.lines.toString());
            AppendOnlyIdempotentRepository again = new AppendOnlyIdempotentRepository(file, 20);
            again.start();
            assertTrue(again.contains("messages:created:after"), "read back after the restart");
            again.stop();
        }
    }
}
