package dev.wbxt.router.webhooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * A small durable map in one JSON file under DATA_DIR, rewritten whole on each change (write to a temporary file,
 * then an atomic move: a crash leaves the old or the new file, never half of one). For a few hundred keys at most.
 */
public class JsonFileStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path file;
    private final Map<String, Object> values;

    @SuppressWarnings("unchecked")
    public JsonFileStore(Path file) {
        this.file = file;
        try {
            this.values = Files.exists(file) ? new LinkedHashMap<>(JSON.readValue(file.toFile(), Map.class))
                    : new LinkedHashMap<>();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public synchronized Object get(String key) {
        return values.get(key);
    }

    public synchronized void put(String key, Object value) {
        if (value.equals(values.get(key))) {
            return;
        }
        values.put(key, value);
        save();
    }

    public synchronized void remove(String key) {
        if (values.remove(key) != null) {
            save();
        }
    }

    /** Removes every key starting with the prefix. */
    public synchronized void removePrefix(String prefix) {
        if (values.keySet().removeIf(k -> k.startsWith(prefix))) {
            save();
        }
    }

    public synchronized Map<String, Object> snapshot() {
        return new LinkedHashMap<>(values);
    }

    private void save() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), values);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
