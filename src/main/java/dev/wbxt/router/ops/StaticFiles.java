package dev.wbxt.router.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The static files of a page in the jar (the simulator's playground, the dead-letter page): plain HTML, CSS and
 * JavaScript from one classpath folder, no build step, nothing from another host. One place for what such a page
 * may be served as.
 */
public final class StaticFiles {
    /** A file name of the folder: no path, no dot but the extension's, so no request reaches anything else. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]+\\.(html|css|js)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=UTF-8",
            "css", "text/css;charset=UTF-8",
            "js", "text/javascript;charset=UTF-8");
    private final String folder;

    /** @param folder the classpath folder, e.g. {@code playground} */
    public StaticFiles(String folder) {
        this.folder = folder;
    }

    /** The file's bytes, or null when there is no such file (or the name is not a file name of the folder). */
    public byte[] read(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return null;
        }
        try (InputStream in = StaticFiles.class.getResourceAsStream("/" + folder + "/" + name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The headers to answer the file with: its type, and a Content-Security-Policy that allows no inline script and
     * nothing from any other host (the pages show untrusted text), no framing, no caching of an old version.
     */
    public static Map<String, String> headers(String name) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
        headers.put("Cache-Control", "no-cache");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
        return headers;
    }
}
