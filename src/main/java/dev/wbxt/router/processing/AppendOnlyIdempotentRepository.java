package dev.wbxt.router.processing;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of events whose reply went out, kept in memory (the newest {@code capacity}, in {@link RecentKeys}, laid out
 * so that the garbage collector does not scan them) and in an append-only file that is read once at start. Camel's
 * FileIdempotentRepository rescans its whole file for every key it has not cached, i.e. for every new event; here a
 * lookup is a hash lookup and an add is one appended line. The file is compacted when it holds twice the capacity.
 * Lines are written to the OS on each add (one write of the line, from a buffer kept for it: no writer, encoder or
 * flush per event): they survive a process crash.
 * <p>
 * A line that cannot be written (a full disk) is cut back off the file, so that no half line runs into the next one,
 * and the key is kept in memory only: one WARN line when it starts, one INFO line when a line is written again. It
 * used to throw, after Camel's reply step, which logged a stack trace per event ("Error executing reactive work")
 * and went on (DiskFullTest). A compaction that fails leaves the file as it was, growing, until a later one succeeds.
 */
public class AppendOnlyIdempotentRepository extends ServiceSupport implements IdempotentRepository {
    private static final Logger LOG = LoggerFactory.getLogger(AppendOnlyIdempotentRepository.class);
    private static final String REMOVED = "-"; // a line "-key" forgets an earlier "key"
    private final Path file;
    private final int capacity;
    private final RecentKeys keys;
    private FileChannel out;
    private final CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder();
    private ByteBuffer line = ByteBuffer.allocate(256);
    private int lines;
    private int unwritten; // keys not written since the last line that was

    public AppendOnlyIdempotentRepository(Path file, int capacity) {
        this.file = file;
        this.capacity = capacity;
        this.keys = new RecentKeys(capacity);
    }

    @Override
    protected synchronized void doStart() throws IOException {
        keys.clear();
        List<String> stored = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        for (String line : stored) {
            if (line.startsWith(REMOVED)) {
                keys.remove(line.substring(1));
            } else if (!line.isEmpty()) {
                keys.remove(line); // re-added: it becomes the newest
                keys.add(line);
            }
        }
        lines = stored.size();
        if (lines > 2 * capacity) {
            compactOrPutOff();
        }
        out = open();
    }

    private FileChannel open() throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    @Override
    protected synchronized void doStop() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }

    @Override
    public synchronized boolean add(String key) {
        if (!keys.add(key)) {
            return false;
        }
        append(key);
        return true;
    }

    @Override
    public synchronized boolean contains(String key) {
        return keys.contains(key);
    }

    @Override
    public synchronized boolean remove(String key) {
        boolean removed = keys.remove(key);
        if (removed) {
            append(REMOVED + key);
        }
        return removed;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public synchronized void clear() {
        keys.clear();
        try {
            compact();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void append(String text) {
        long size = -1;
        try {
            size = out.size();
            write(text);
        } catch (IOException e) {
            cutBack(size);
            if (unwritten++ == 0) {
                LOG.warn("Cannot record replied events in {} ({}): kept in memory only until the file takes lines "
                        + "again (no reply is sent twice while the service runs; after a restart, one of these "
                        + "events delivered again would be answered again)", file, e.getMessage());
            }
            return;
        }
        if (unwritten > 0) {
            LOG.info("Recording replied events in {} again ({} kept in memory only meanwhile)", file, unwritten);
            unwritten = 0;
        }
        if (++lines > 2 * capacity && compactOrPutOff()) {
            try {
                out.close(); // the file was replaced: append to the new one
                out = open();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open " + file, e);
            }
        }
    }

    /**
     * Compacts the file; when that fails (a full disk), keeps appending to it and tries again after another
     * {@code capacity} lines, not at every line (each attempt writes the whole file). Whether it compacted.
     */
    private boolean compactOrPutOff() {
        try {
            compact();
            return true;
        } catch (IOException e) {
            lines = capacity;
            LOG.warn("Cannot compact {} ({}): it grows until a later compaction succeeds", file, e.getMessage());
            return false;
        }
    }

    /** Removes what a failed write left of its line. */
    private void cutBack(long size) {
        try {
            if (size >= 0 && out.size() > size) {
                out.truncate(size);
            }
        } catch (IOException e) {
            LOG.debug("Cannot cut {} back to {} bytes: {}", file, size, e.getMessage());
        }
    }

    /** {@code text} and a line feed, UTF-8, in one write. */
    private void write(String text) throws IOException {
        line.clear();
        utf8.reset();
        java.nio.CharBuffer chars = java.nio.CharBuffer.wrap(text);
        CoderResult result = utf8.encode(chars, line, true);
        while (result.isOverflow() || line.remaining() < 1) {
            ByteBuffer bigger = ByteBuffer.allocate(line.capacity() * 2);
            line.flip();
            bigger.put(line);
            line = bigger;
            result = result.isOverflow() ? utf8.encode(chars, line, true) : result;
        }
        line.put((byte) '\n');
        line.flip();
        while (line.hasRemaining()) {
            out.write(line);
        }
    }

    /** Rewrites the file with the keys in memory, atomically. */
    private void compact() throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream text = new BufferedOutputStream(Files.newOutputStream(tmp))) {
            keys.writeLines(text);
        } catch (IOException e) {
            Files.deleteIfExists(tmp); // what fitted of it: the space back
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        lines = keys.size();
    }
}
