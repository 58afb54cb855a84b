package dev.wbxt.router.broker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a full disk leaves in the paging folder, on real files: removed when it holds nothing, kept otherwise. */
class EmptyPageFoldersTest {
    @TempDir
    Path paging;

    @Test
    void aFolderOfEmptyFilesIsRemovedAndOneWithContentIsKept() throws Exception {
        Path leftover = Files.createDirectory(paging.resolve("left-by-enospc"));
        Files.createFile(leftover.resolve("address.txt"));
        Files.createFile(leftover.resolve("000000001.page"));
        Path paged = Files.createDirectory(paging.resolve("paged"));
        Files.writeString(paged.resolve("address.txt"), "wbxt.events");
        Files.write(paged.resolve("000000001.page"), new byte[] {1, 2, 3});
        Path pagesOnly = Files.createDirectory(paging.resolve("address-lost"));
        Files.createFile(pagesOnly.resolve("address.txt"));
        Files.write(pagesOnly.resolve("000000001.page"), new byte[] {1});
        Path noAddress = Files.createDirectory(paging.resolve("not-a-store"));

        EmptyPageFolders.removeIn(paging);

        assertFalse(Files.exists(leftover), "nothing in it: removed");
        assertTrue(Files.exists(paged.resolve("000000001.page")), "a store with pages stays");
        assertTrue(Files.exists(pagesOnly.resolve("000000001.page")), "a page with bytes stays, whatever its address");
        assertTrue(Files.exists(noAddress), "a folder without address.txt is not a page store's: left alone");
    }

    @Test
    void noPagingFolderYetIsNothingToDo() {
        EmptyPageFolders.removeIn(paging.resolve("absent"));
    }
}
