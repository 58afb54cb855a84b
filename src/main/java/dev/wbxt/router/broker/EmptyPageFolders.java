package dev.wbxt.router.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes, before the embedded broker opens, the paging folders that a write on a full disk left without content:
 * Artemis creates a queue's paging folder, then writes its {@code address.txt}; when that write meets ENOSPC the
 * folder stays with an empty {@code address.txt} and no page, which Artemis 2.44.0 skips at every later start with
 * a warning (AMQ222285 "File address.txt ... is empty. Delete the empty file to stop this message"), measured by
 * JournalDiskFullIT after the disk filled under the broker. Such a folder holds no message: nothing can have been
 * paged into a store whose address was never written. A folder with any byte in it is left alone (and Artemis'
 * warning then stands, for an operator to look at).
 */
final class EmptyPageFolders {
    private static final Logger LOG = LoggerFactory.getLogger(EmptyPageFolders.class);
    private static final String ADDRESS_FILE = "address.txt";

    private EmptyPageFolders() {
    }

    /** Deletes each folder under {@code pagingDir} whose files, {@code address.txt} among them, are all empty. */
    static void removeIn(Path pagingDir) {
        if (!Files.isDirectory(pagingDir)) {
            return;
        }
        try (Stream<Path> folders = Files.list(pagingDir)) {
            for (Path folder : folders.filter(Files::isDirectory).toList()) {
                List<Path> files;
                try (Stream<Path> inside = Files.list(folder)) {
                    files = inside.toList();
                }
                boolean empty = files.stream().allMatch(f -> Files.isRegularFile(f) && size(f) == 0);
                if (empty && files.stream().anyMatch(f -> f.getFileName().toString().equals(ADDRESS_FILE))) {
                    for (Path f : files) {
                        Files.delete(f);
                    }
                    Files.delete(folder);
                    LOG.info("Removed the paging folder {}: left empty by a write that failed (a full disk), it held "
                            + "no message", folder);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not look for empty paging folders under {}: {}", pagingDir, e.toString());
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
