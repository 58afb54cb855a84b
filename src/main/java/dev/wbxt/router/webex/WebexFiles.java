package dev.wbxt.router.webex;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.wbxt.router.webex.WebexFileException.Reason;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message's files (WEBEX-API.md 4.3b): each entry of a message's {@code files} is a URL
 * {@code https://webexapis.com/v1/contents/<id>} that needs the bot's token; {@code HEAD} on it gives the type
 * ({@code Content-Type}), the size ({@code Content-Length}) and the name ({@code Content-Disposition}), {@code GET}
 * the content.
 * <ul>
 * <li><b>Only the API's own files.</b> A URL is called only when it is {@code <api-url>/contents/<a Webex id>}: the
 * same scheme, host and port as {@code apiUrl} (so the simulator's in simulator mode), nothing else in it. A message
 * can carry any URL (a user or another integration writes it), and the bearer token must never go to a host it
 * names: a server-side request forgery guard. Redirects are not followed ({@link WebexHttp}).</li>
 * <li><b>Size before content.</b> {@link #download} asks {@code HEAD} first: over {@code maxFileBytes}, or of a type
 * the route does not accept, it is reported and never fetched. The {@code GET} streams into a temporary file and is
 * cut off if it grows past the limit anyway; its type must be the one {@code HEAD} announced.</li>
 * <li><b>Nothing half-written.</b> The temporary files are {@code webex-*.download} in {@code fileDirectory}
 * (DATA_DIR/tmp in the service), readable by the service's user only. A failed download deletes its file before it
 * reports; the producer deletes a downloaded one when its exchange ends; what a killed process left is deleted at
 * the next start ({@link #deleteLeftovers}).</li>
 * <li>Retries are those of any read ({@link WebexCallPolicy}): 429, 5xx and timeouts; 423 (still being scanned for
 * malware) waits its {@code Retry-After}. 404, 410 (found infected) and 428 (cannot be scanned, unless
 * {@code allowUnscannable}) are {@link WebexFileException}s: dead-lettered at once unless the route catches them.</li>
 * </ul>
 */
public final class WebexFiles {
    private static final Logger LOG = LoggerFactory.getLogger(WebexFiles.class);
    static final String PREFIX = "webex-";
    static final String SUFFIX = ".download";
    /** RFC 6266 / RFC 8187: {@code filename*=UTF-8''%e2%82%ac.txt}, preferred to {@code filename="..."}. */
    private static final Pattern EXTENDED_NAME = Pattern.compile("(?i)filename\\*\\s*=\\s*([^']*)'[^']*'([^;\\s]+)");
    private static final Pattern NAME = Pattern.compile("(?i)(?:^|;)\\s*filename\\s*=\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[^;\\s]+)");

    /** Runs the attempts of one call (WebexAttempts) with each attempt's request made by {@code send}. */
    interface Calls {
        CompletableFuture<WebexAttempts.Answer> call(WebexOperation op, String uri, Supplier<CompletableFuture<WebexHttp.Answer>> send);
    }

    private final WebexConfiguration cfg;
    private final URI base;
    private final String contentsPath;
    private final WebexHttp http;
    private final Vertx vertx;
    private final Calls calls;
    private final Path directory;

    WebexFiles(WebexConfiguration cfg, URI base, String basePath, WebexHttp http, Vertx vertx, Calls calls) {
        this.cfg = cfg;
        this.base = base;
        this.contentsPath = basePath + WebexOperation.getFile.path;
        this.http = http;
        this.vertx = vertx;
        this.calls = calls;
        this.directory = directory(cfg);
    }

    /** Where the temporary files go: {@code fileDirectory}, or a folder of their own under java.io.tmpdir. */
    static Path directory(WebexConfiguration cfg) {
        String configured = cfg.getFileDirectory();
        return configured == null || configured.isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), "webex-event-router-files")
                : Path.of(configured);
    }

    /**
     * Deletes the temporary files a stopped or killed run left in the folder (at start, before any route runs: none
     * of them belongs to an exchange of this run). Returns how many.
     */
    static int deleteLeftovers(Path directory) {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        int deleted = 0;
        try (DirectoryStream<Path> left = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
            for (Path file : left) {
                if (Files.deleteIfExists(file)) {
                    deleted++;
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot clear the temporary files of downloads in {}: {}", directory, e.toString());
        }
        if (deleted > 0) {
            LOG.info("Deleted {} temporary file(s) of downloads an earlier run left in {}", deleted, directory);
        }
        return deleted;
    }

    /** Deletes a downloaded file (its exchange ended); a failure is logged, the next start deletes it anyway. */
    public static void delete(File file) {
        try {
            Files.deleteIfExists(file.toPath());
        } catch (IOException e) {
            LOG.warn("Cannot delete the temporary file {} (deleted at the next start): {}", file, e.toString());
        }
    }

    /**
     * The path (and query) to call for a file URL, when it is a file of the configured API; otherwise a
     * {@link WebexFileException} ({@link Reason#NOT_A_WEBEX_FILE}) and nothing is called. The URL is named in the
     * message only by its host: it came from outside.
     */
    String pathOf(String url) {
        URI uri;
        try {
            uri = new URI(url == null ? "" : url.trim());
        } catch (URISyntaxException e) {
            throw notOurs("it is not a URL", url);
        }
        String path = uri.getRawPath();
        if (!base.getScheme().equalsIgnoreCase(String.valueOf(uri.getScheme()))
                || !base.getHost().equalsIgnoreCase(String.valueOf(uri.getHost()))
                || port(base) != port(uri)
                || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || path == null || !path.startsWith(contentsPath)
                || !WebexIds.isValid(path.substring(contentsPath.length()))) {
            throw notOurs("only files of " + base + WebexOperation.getFile.path + "<id> are fetched", url);
        }
        return cfg.isAllowUnscannable() ? path + "?allow=unscannable" : path;
    }

    private static WebexFileException notOurs(String why, String url) {
        String host = null;
        try {
            host = url == null ? null : new URI(url.trim()).getHost();
        } catch (URISyntaxException ignored) {
            // named as "a URL" below
        }
        return new WebexFileException(Reason.NOT_A_WEBEX_FILE, "The file URL " + (host == null ? "given" : "on " + host)
                + " was not called (the bot's token goes to the Webex API only): " + why);
    }

    private static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /**
     * {@code HEAD} of one file: a map {@code url}, {@code name}, {@code contentType}, {@code size} (bytes, -1 when Webex
     * does not say) and {@code tooLarge} (over {@code maxFileBytes}: {@link #download} would refuse it).
     */
    public CompletableFuture<WebexClient.WebexResponse> info(String url) {
        String path = pathOf(url);
        io.opentelemetry.context.Context trace = http.traceContext();
        return head(url, path, trace).thenApply(a -> new WebexClient.WebexResponse(a.status(), a.trackingId(),
                describe(url, a.headers())));
    }

    /** {@link #info} of each URL, one after the other (a message's {@code files}): a list of those maps. */
    public CompletableFuture<WebexClient.WebexResponse> infos(List<?> urls) {
        List<String> paths = new ArrayList<>();
        urls.forEach(u -> paths.add(pathOf(u == null ? null : String.valueOf(u)))); // every URL checked before a call
        io.opentelemetry.context.Context trace = http.traceContext();
        CompletableFuture<List<Object>> all = CompletableFuture.completedFuture(new ArrayList<>());
        for (int i = 0; i < paths.size(); i++) {
            String url = String.valueOf(urls.get(i));
            String path = paths.get(i);
            all = all.thenCompose(list -> head(url, path, trace).thenApply(a -> {
                list.add(describe(url, a.headers()));
                return list;
            }));
        }
        return all.thenApply(list -> new WebexClient.WebexResponse(200, null, list));
    }

    private CompletableFuture<WebexAttempts.Answer> head(String url, String path, io.opentelemetry.context.Context trace) {
        return explained(calls.call(WebexOperation.getFileInfo, path,
                () -> http.send(HttpMethod.HEAD, path, null, null, trace)), url, null);
    }

    /**
     * Downloads one file into a new temporary file: {@code HEAD} first (too large, or not of a type in
     * {@code accept}: a {@link WebexFileException}, nothing fetched), then {@code GET}, streamed and size-limited. The
     * answer is the map of {@link #info} plus {@code file}, the temporary {@link File}, which the caller deletes (the
     * producer: when its exchange ends). After any failure no file is left.
     *
     * @param accept media types the route takes ({@code image/*}, {@code text/plain}...); empty: any
     */
    public CompletableFuture<WebexClient.WebexResponse> download(String url, List<String> accept) {
        String path = pathOf(url);
        io.opentelemetry.context.Context trace = http.traceContext();
        long limit = cfg.getMaxFileBytes();
        return explained(head(url, path, trace).thenCompose(headed -> {
            Map<String, Object> file = describe(url, headed.headers());
            String name = (String) file.get("name");
            long size = (long) file.get("size");
            if (size > limit) {
                throw new WebexFileException(Reason.TOO_LARGE, "The file " + name + " is " + exact(size)
                        + ", over the limit of " + exact(limit) + " (webex.client.max-file-bytes, WEBEX_CLIENT_MAX_FILE_BYTES): not fetched");
            }
            String type = (String) file.get("contentType");
            if (!accepted(type, accept)) {
                throw new WebexFileException(Reason.WRONG_TYPE, "The file " + name + " is " + type + ", not "
                        + String.join(" or ", accept) + ": not fetched");
            }
            return temporaryFile().thenCompose(target -> calls.call(WebexOperation.getFile, path,
                            () -> http.download(path, target, limit, trace))
                    .thenApply(got -> {
                        String served = mediaType(got.headers().get(HttpHeaderNames.CONTENT_TYPE));
                        if (!served.equals(mediaType(type))) {
                            throw new WebexFileException(Reason.WRONG_TYPE, "The file " + name + " was announced as "
                                    + type + " and served as " + served + ": not kept");
                        }
                        file.put("size", got.streamed());
                        file.put("file", target.toFile());
                        return new WebexClient.WebexResponse(got.status(), got.trackingId(), file);
                    })
                    .whenComplete((done, failed) -> {
                        if (failed != null) {
                            vertx.fileSystem().delete(target.toString()); // before the failure is reported on
                        }
                    }));
        }), url, limit);
    }

    /** A new, empty temporary file in the folder (made when missing), created without blocking the event loop. */
    private CompletableFuture<Path> temporaryFile() {
        CompletableFuture<Path> created = new CompletableFuture<>();
        vertx.fileSystem().mkdirs(directory.toString())
                .compose(v -> vertx.fileSystem().createTempFile(directory.toString(), PREFIX, SUFFIX, "rw-------"))
                .onComplete(made -> {
                    if (made.succeeded()) {
                        created.complete(Path.of(made.result()));
                    } else {
                        created.completeExceptionally(new IOException("cannot create a temporary file in " + directory
                                + ": " + made.cause().getMessage(), made.cause()));
                    }
                });
        return created;
    }

    private <T> CompletableFuture<T> explained(CompletableFuture<T> call, String url, Long limit) {
        return call.handle((done, failed) -> {
            if (failed == null) {
                return done;
            }
            throw new CompletionException(explain(unwrap(failed), url, limit));
        });
    }

    /** Webex's answers about a file said plainly, with the file's URL id (never the token). */
    private Throwable explain(Throwable failure, String url, Long limit) {
        if (failure instanceof WebexFileException) {
            return failure;
        }
        String which = "The file " + url.substring(url.lastIndexOf('/') + 1);
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof WebexHttp.TooLarge tooLarge) {
                return new WebexFileException(Reason.TOO_LARGE, which + " is larger than announced: "
                        + tooLarge.getMessage() + " of " + exact(limit == null ? cfg.getMaxFileBytes() : limit)
                        + ": cut off, nothing kept");
            }
        }
        if (failure instanceof WebexApiException webex && !(failure instanceof WebexUnavailableException)) {
            switch (webex.getStatus()) {
                case 404 -> {
                    return new WebexFileException(Reason.NOT_FOUND, which + ": Webex has no such file (404, trackingId="
                            + webex.getTrackingId() + ")");
                }
                case 410 -> {
                    return new WebexFileException(Reason.GONE, which + " is gone: Webex's malware scan removed it (410)");
                }
                case 428 -> {
                    return new WebexFileException(Reason.UNSCANNABLE, which + " could not be scanned for malware by Webex"
                            + " (428, e.g. an encrypted file): not fetched (webex.client.allow-unscannable, WEBEX_CLIENT_ALLOW_UNSCANNABLE)");
                }
                default -> {
                    return failure;
                }
            }
        }
        return failure;
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** The map a route reads: url, name, contentType, size, tooLarge. */
    private Map<String, Object> describe(String url, MultiMap headers) {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("url", url);
        String name = fileName(headers.get(HttpHeaderNames.CONTENT_DISPOSITION));
        file.put("name", name == null ? url.substring(url.lastIndexOf('/') + 1) : name);
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        file.put("contentType", type == null || type.isBlank() ? "application/octet-stream" : type.trim());
        long size = WebexHttp.contentLength(headers.get(HttpHeaderNames.CONTENT_LENGTH));
        file.put("size", size);
        file.put("tooLarge", size > cfg.getMaxFileBytes());
        return file;
    }

    /**
     * The file name of a {@code Content-Disposition} header (RFC 6266): {@code filename*} (RFC 8187, UTF-8 or
     * ISO-8859-1) before {@code filename}; only its last path segment, so a name can never point elsewhere (it is only
     * shown: the temporary file's name is the service's own). Null when there is none.
     */
    static String fileName(String disposition) {
        if (disposition == null) {
            return null;
        }
        String name = null;
        Matcher extended = EXTENDED_NAME.matcher(disposition);
        if (extended.find()) {
            String charset = extended.group(1).trim().isEmpty() ? "UTF-8" : extended.group(1).trim();
            try {
                name = URLDecoder.decode(extended.group(2).replace("+", "%2B"), charset);
            } catch (IllegalArgumentException | java.io.UnsupportedEncodingException e) {
                name = null;
            }
        }
        if (name == null) {
            Matcher plain = NAME.matcher(disposition);
            if (plain.find()) {
                name = plain.group(2) != null ? plain.group(2).replaceAll("\\\\(.)", "$1") : plain.group(1);
            }
        }
        if (name == null) {
            return null;
        }
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).replaceAll("\\p{Cntrl}", "").trim();
        return name.isEmpty() ? null : name;
    }

    /** Whether {@code type} is one of {@code accept} ({@code type/subtype}, {@code type/*}, {@code *}{@code /*}). */
    static boolean accepted(String type, List<String> accept) {
        if (accept == null || accept.isEmpty()) {
            return true;
        }
        String media = mediaType(type);
        for (String range : accept) {
            String r = mediaType(range);
            if (r.equals("*/*") || r.equals(media) || r.endsWith("/*") && media.startsWith(r.substring(0, r.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    /** {@code type/subtype} in lower case, without parameters ({@code text/plain; charset=UTF-8} → {@code text/plain}). */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return "application/octet-stream";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /** A size for a limit's message: {@code 4.0 KiB (4097 bytes)}, so that one byte over shows. */
    static String exact(long bytes) {
        return bytes < 1024 ? size(bytes) : size(bytes) + " (" + bytes + " bytes)";
    }

    /** A size for people: {@code 980 bytes}, {@code 12.3 KiB}, {@code 10.0 MiB}. */
    public static String size(long bytes) {
        if (bytes < 0) {
            return "of unknown size";
        }
        if (bytes < 1024) {
            return bytes + (bytes == 1 ? " byte" : " bytes");
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
