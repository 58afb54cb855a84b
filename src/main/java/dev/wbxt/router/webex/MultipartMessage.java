package dev.wbxt.router.webex;

import java.io.File;
import java.io.IOException;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.wbxt.router.retry.PermanentFailureException;
import io.vertx.core.buffer.Buffer;

/**
 * A message with a file of the route's own, as Webex takes it: {@code multipart/form-data} {@code POST /messages}
 * with the file in the part {@code files} and the other fields ({@code roomId}, {@code text}, {@code markdown},
 * {@code parentId}...) as parts of their own (WEBEX-API.md 4.3 and 4.3b, "one file per message"). Made when the one
 * entry of {@code files} is a {@link File}, a {@link Path} or a {@link WebexUpload}; a URL there is sent as JSON as
 * before (Webex fetches a public URL itself).
 * <p>
 * The body is built in memory with its length known (no chunked encoding), at most {@code maxFileBytes} of file: one
 * buffer, written once, the path of every other call, so the rule of a POST holds for it too (not sent again once
 * written, WebexCallPolicy). Vert.x 4's core HTTP client has no multipart encoder (vertx-web-client has one, on Netty's
 * {@code HttpPostRequestEncoder}, which sends chunked bodies and would bring a second client API in).
 */
record MultipartMessage(Buffer body, CharSequence contentType) {
    private static final byte[] CRLF = {'\r', '\n'};

    /** The multipart form of {@code body}, or null when it is no message with a file of the route's own. */
    static MultipartMessage of(Object body, long maxBytes) {
        if (!(body instanceof Map<?, ?> message) || message.get("files") == null) {
            return null;
        }
        Object files = message.get("files");
        List<?> list = files instanceof List<?> l ? l : List.of(files);
        if (list.stream().noneMatch(MultipartMessage::isLocal)) {
            return null;
        }
        if (list.size() != 1) {
            throw new PermanentFailureException("Webex takes one file per message, not " + list.size());
        }
        if (message.get("attachments") instanceof List<?> cards && !cards.isEmpty()) {
            throw new PermanentFailureException("A message with a file to upload cannot carry a card as well");
        }
        Part file = read(list.get(0), maxBytes);
        String boundary = "wbxt-" + HexFormat.of().formatHex(randomBytes());
        Buffer out = Buffer.buffer(file.content.length + 1024);
        message.forEach((key, value) -> {
            if ("files".equals(key) || value == null) {
                return;
            }
            if (value instanceof Map<?, ?> || value instanceof List<?>) {
                throw new PermanentFailureException("The message field " + key + " cannot go into a message with a file");
            }
            start(out, boundary, "form-data; name=\"" + escape(String.valueOf(key)) + "\"", null);
            out.appendBytes(String.valueOf(value).getBytes(StandardCharsets.UTF_8)).appendBytes(CRLF);
        });
        start(out, boundary, "form-data; name=\"files\"; filename=\"" + escape(file.name) + "\"", file.contentType);
        out.appendBytes(file.content).appendBytes(CRLF);
        out.appendString("--" + boundary + "--\r\n", "US-ASCII");
        return new MultipartMessage(out, "multipart/form-data; boundary=" + boundary);
    }

    private record Part(String name, String contentType, byte[] content) {
    }

    private static boolean isLocal(Object entry) {
        return entry instanceof File || entry instanceof Path || entry instanceof WebexUpload;
    }

    /** Reads the file (on the route's thread, never an event loop), refusing a missing or too large one. */
    private static Part read(Object entry, long maxBytes) {
        if (entry instanceof WebexUpload upload) {
            check(upload.name(), upload.content().length, maxBytes);
            return new Part(upload.name(), upload.contentType(), upload.content());
        }
        if (!isLocal(entry)) {
            throw new PermanentFailureException("A message's files entry must be a URL, a File, a Path or a WebexUpload");
        }
        Path path = entry instanceof File f ? f.toPath() : (Path) entry;
        String name = path.getFileName() == null ? "file" : path.getFileName().toString();
        try {
            if (!Files.isRegularFile(path)) {
                throw new PermanentFailureException("The file to upload, " + name + ", does not exist (or is not a file)");
            }
            check(name, Files.size(path), maxBytes);
            byte[] content = Files.readAllBytes(path);
            check(name, content.length, maxBytes); // it may have grown in between
            String type = URLConnection.guessContentTypeFromName(name);
            return new Part(name, type == null ? "application/octet-stream" : type, content);
        } catch (NoSuchFileException e) {
            throw new PermanentFailureException("The file to upload, " + name + ", does not exist");
        } catch (IOException e) {
            throw new PermanentFailureException("The file to upload, " + name + ", cannot be read: " + e.getMessage(), e);
        }
    }

    private static void check(String name, long size, long maxBytes) {
        if (size > maxBytes) {
            throw new PermanentFailureException("The file to upload, " + name + ", is " + WebexFiles.exact(size)
                    + ", over the limit of " + WebexFiles.exact(maxBytes) + " (webex.client.max-file-bytes, WEBEX_CLIENT_MAX_FILE_BYTES): not sent");
        }
    }

    private static void start(Buffer out, String boundary, String disposition, String contentType) {
        out.appendString("--" + boundary + "\r\n", "US-ASCII");
        out.appendBytes(("Content-Disposition: " + disposition + "\r\n").getBytes(StandardCharsets.UTF_8));
        if (contentType != null) {
            out.appendBytes(("Content-Type: " + contentType.replaceAll("[\r\n]", "") + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        out.appendBytes(CRLF);
    }

    /** A quoted name as browsers write it (WHATWG's multipart/form-data): {@code "}, CR and LF percent-encoded. */
    static String escape(String name) {
        return name.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
