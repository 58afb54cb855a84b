package dev.wbxt.router.processing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replied-events record: what was added survives a restart; the file stays bounded. */
class AppendOnlyIdempotentRepositoryTest {
    @TempDir
    Path dir;

    @Test
    void keysSurviveARestartAndForgottenOnesStayForgotten() throws Exception {
        Path file = dir.resolve("replied.log");
        AppendOnlyIdempotentRepository repo = new AppendOnlyIdempotentRepository(file, 100);
        repo.start();
        assertTrue(repo.add("messages:created:a"));
        assertFalse(repo.add("messages:created:a"), "a key is added once");
        assertTrue(repo.add("messages:created:b"));
        assertTrue(repo.remove("messages:created:b"));
        repo.stop();

        AppendOnlyIdempotentRepository again = new AppendOnlyIdempotentRepository(file, 100);
        again.start();
        assertTrue(again.contains("messages:created:a"));
        assertFalse(again.contains("messages:created:b"));
        again.stop();
    }

    @Test
    void onlyTheNewestKeysAreKeptAndTheFileIsCompacted() throws Exception {
        Path file = dir.resolve("replied.log");
        AppendOnlyIdempotentRepository repo = new AppendOnlyIdempotentRepository(file, 10);
        repo.start();
        for (int i = 0; i < 35; i++) {
            repo.add("k" + i);
        }
        assertFalse(repo.contains("k0"), "beyond capacity the oldest are forgotten");
        assertTrue(repo.contains("k34"));
        assertTrue(Files.readAllLines(file).size() <= 20, "compacted at twice the capacity");
        repo.stop();

        AppendOnlyIdempotentRepository again = new AppendOnlyIdempotentRepository(file, 10);
        again.start();
        assertTrue(again.contains("k34"));
        assertFalse(again.contains("k20"));
        again.stop();
    }
}
