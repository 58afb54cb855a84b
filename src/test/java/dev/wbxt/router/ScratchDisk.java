package dev.wbxt.router;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A small filesystem of its own for a test's DATA_DIR, so that a fault of the disk is a real one: a tmpfs of a few
 * MiB that a filler file fills up (a full disk: {@code ENOSPC}, {@code getUsableSpace} 0), or an ext4 image on a
 * loop device whose writes a blkio cgroup throttles (a slow disk: each sync waits for the throttled write). Needs
 * root and {@code mount}; where either is missing the test is skipped with the reason ({@link #mountable}).
 */
final class ScratchDisk implements AutoCloseable {
    private static final Path BLKIO = Path.of("/sys/fs/cgroup/blkio");

    final Path dir;
    private final Path image;
    private final String loopDevice;
    private final Path filler;
    private Path cgroup;

    private ScratchDisk(Path dir, Path image, String loopDevice) {
        this.dir = dir;
        this.image = image;
        this.loopDevice = loopDevice;
        this.filler = dir.resolve("filler.bin");
    }

    /** A tmpfs of {@code sizeMb} mounted on {@code dir} (made if missing); the test is skipped if it cannot be. */
    static ScratchDisk tmpfs(Path dir, int sizeMb) throws Exception {
        Files.createDirectories(dir);
        Result mount = run("mount", "-t", "tmpfs", "-o", "size=" + sizeMb + "m", "tmpfs", dir.toString());
        assumeTrue(mount.code == 0, "a tmpfs cannot be mounted here (" + mount + "): a full disk needs a filesystem "
                + "of its own");
        return new ScratchDisk(dir.toAbsolutePath(), null, null);
    }

    /**
     * An ext4 filesystem of {@code sizeMb} in an image file under {@code target/}, on a loop device, mounted on
     * {@code dir}; the test is skipped if any step is not permitted here.
     */
    static ScratchDisk loop(Path dir, int sizeMb) throws Exception {
        Files.createDirectories(dir);
        Path image = RouterProcess.BASEDIR.resolve("target/scratch-disks/" + UUID.randomUUID() + ".img");
        Files.createDirectories(image.getParent());
        try (var file = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(sizeMb * 1024L * 1024L);
        }
        Result mkfs = run("mkfs.ext4", "-q", "-F", "-m", "0", image.toString()); // no blocks reserved for root
        Result losetup = mkfs.code == 0 ? run("losetup", "-f", "--show", image.toString()) : mkfs;
        if (losetup.code != 0) {
            Files.deleteIfExists(image);
        }
        assumeTrue(losetup.code == 0, "no loop device here (" + losetup + "): a slow disk needs a block device of its own");
        String device = losetup.output.strip();
        Result mount = run("mount", device, dir.toString());
        if (mount.code != 0) {
            run("losetup", "-d", device);
            Files.deleteIfExists(image);
        }
        assumeTrue(mount.code == 0, "the loop device cannot be mounted here (" + mount + ")");
        return new ScratchDisk(dir.toAbsolutePath(), image, device);
    }

    long freeBytes() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    /** Writes zeros to the filler file until {@code leaveFree} bytes are left (at most), or the disk is full. */
    long fill(long leaveFree) throws IOException {
        byte[] chunk = new byte[1024 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND)) {
            for (long free; (free = freeBytes()) > leaveFree; ) {
                int n = (int) Math.min(chunk.length, Math.max(4096, free - leaveFree));
                out.write(chunk, 0, n);
                out.flush();
                written += n;
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
        return written;
    }

    /** Deletes the filler: the space comes back. */
    void release() throws IOException {
        Files.deleteIfExists(filler);
    }

    /**
     * Moves the process into a blkio cgroup of its own that lets it write at most {@code writeIops} requests a second
     * to the loop device: its syncs then wait for the throttled writes (cgroup v1 charges the writes a process issues
     * itself, as an fsync does). Skipped where there is no cgroup v1 blkio controller.
     */
    void throttle(long pid, int writeIops) throws Exception {
        assumeTrue(loopDevice != null && Files.isWritable(BLKIO.resolve("cgroup.procs")),
                "no cgroup v1 blkio controller at " + BLKIO + ": a slow disk cannot be made here");
        if (cgroup == null) {
            cgroup = Files.createDirectories(BLKIO.resolve("wbxt-test-" + UUID.randomUUID()));
            Files.writeString(cgroup.resolve("cgroup.procs"), pid + "\n");
        }
        Files.writeString(cgroup.resolve("blkio.throttle.write_iops_device"), majorMinor() + " " + writeIops + "\n");
    }

    /** Lifts the throttle (the process stays in its cgroup, unlimited). */
    void unthrottle() throws IOException {
        if (cgroup != null) {
            Files.writeString(cgroup.resolve("blkio.throttle.write_iops_device"), majorMinor() + " 0\n");
        }
    }

    /** Write requests to the loop device the throttle has let through so far (its cgroup's count). */
    long throttledWrites() throws IOException {
        if (cgroup == null) {
            return 0;
        }
        String device = majorMinor() + " Write ";
        return Files.readAllLines(cgroup.resolve("blkio.throttle.io_serviced")).stream().filter(l -> l.startsWith(device))
                .mapToLong(l -> Long.parseLong(l.substring(device.length()).strip())).sum();
    }

    private String majorMinor() throws IOException {
        return Files.readString(Path.of("/sys/block", Path.of(loopDevice).getFileName().toString(), "dev")).strip();
    }

    @Override
    public void close() throws Exception {
        if (cgroup != null) {
            for (String pid : Files.readAllLines(cgroup.resolve("cgroup.procs"))) {
                Files.writeString(BLKIO.resolve("cgroup.procs"), pid + "\n"); // back to the root group
            }
            Files.delete(cgroup);
        }
        Result umount = run("umount", dir.toString());
        if (umount.code != 0) {
            run("umount", "-l", dir.toString()); // something still holds a file: detach it now, freed when closed
        }
        if (loopDevice != null) {
            run("losetup", "-d", loopDevice);
            Files.deleteIfExists(image);
        }
    }

    private record Result(int code, String output) {
        @Override
        public String toString() {
            return "exit " + code + ": " + output.strip();
        }
    }

    private static Result run(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        } catch (IOException missing) {
            return new Result(127, command[0] + ": " + missing.getMessage());
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(124, command[0] + " did not finish");
        }
        return new Result(p.exitValue(), output);
    }
}
